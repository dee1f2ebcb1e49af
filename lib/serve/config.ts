// The server's settings: the spec's `serving` section (the guide's production configuration as
// defaults), from the run being served or the schema's defaults, then command-line overrides.
import { Ajv2020 } from 'ajv/dist/2020';
import schema from '../../specs/experiment.schema.json';
import type { ExperimentSpec } from '../spec/spec-types';

// Every serving setting, defaults filled.
export type ServingConfig = ExperimentSpec['serving'];

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true });
// The section's schema without its root-level default (ajv's strict mode ignores one there).
const { default: _default, ...servingSchema } = schema.properties.serving;
const validateServing = ajv.compile<ServingConfig>(servingSchema);

// A serving setting that does not fit the schema, named by its key path.
export class ServingConfigError extends Error {}

// Merges the run's `serving` section and overrides, checks them against the schema, fills defaults.
export function resolveServingConfig(fromSpec: unknown, overrides: Partial<ServingConfig> = {}): ServingConfig {
  const base = fromSpec && typeof fromSpec === 'object' ? (fromSpec as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  if (!validateServing(merged)) {
    const problems = (validateServing.errors ?? []).map((e) => {
      const key = e.keyword === 'additionalProperties' ? `/${String((e.params as { additionalProperty: string }).additionalProperty)}` : e.instancePath;
      return `serving${key.replace(/\//g, '.')}: ${e.message ?? 'invalid'}`;
    });
    throw new ServingConfigError(problems.join('; '));
  }
  return merged as ServingConfig;
}
