// Stage policies resolve from built-in and custom profiles into Temporal activity options Temporal can read.
import { msToNumber } from '@temporalio/common/lib/time';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RETRY_PROFILES, BUILTIN_TIMEOUT_PROFILES, PERMANENT_ERROR_TYPES, POLICY_STAGES, resolveStagePolicy, stageProfileNames } from '../../../lib/spec/profiles';
import { parseSpecYaml } from '../../../lib/spec/parse-yaml';
import type { ExperimentSpec } from '../../../lib/spec/spec-types';
import { validateParsedSpec } from '../../../lib/spec/validate-spec';

// A validated spec (defaults filled) from YAML text appended to a minimal one.
function spec(extra = ''): ExperimentSpec {
  const parsed = parseSpecYaml(`name: p\nmodel: { model_name: m }\n${extra}`);
  if (!parsed.ok) throw new Error(parsed.problems[0]?.message);
  const result = validateParsedSpec(parsed.parsed);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return result.spec;
}

describe('resolveStagePolicy', () => {
  it('builds Temporal options from the built-in profiles', () => {
    expect(resolveStagePolicy(spec(), 'finetune')).toEqual({
      retryProfile: 'patient',
      timeoutProfile: 'training',
      startToCloseTimeout: '48h',
      heartbeatTimeout: '2m',
      retry: { maximumAttempts: 10, initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
    });
  });

  it('leaves heartbeatTimeout out when the profile has none', () => {
    const policy = resolveStagePolicy(spec(), 'dataset');
    expect(policy.startToCloseTimeout).toBe('5m');
    expect('heartbeatTimeout' in policy).toBe(false);
  });

  it('uses custom profiles, filling a retry profile\'s optional fields', () => {
    const s = spec('retry_profiles:\n  flaky: { maximum_attempts: 7 }\ntimeout_profiles:\n  gpu: { start_to_close: 90m, heartbeat: 45s }\nstages:\n  predict: { retry: flaky, timeout: gpu }\n');
    expect(resolveStagePolicy(s, 'predict')).toMatchObject({
      retryProfile: 'flaky',
      timeoutProfile: 'gpu',
      startToCloseTimeout: '90m',
      heartbeatTimeout: '45s',
      retry: { maximumAttempts: 7, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
    });
  });

  it('lets a custom profile replace a built-in one of the same name', () => {
    const s = spec('retry_profiles:\n  quick: { maximum_attempts: 2, initial_interval: 100ms }\n');
    expect(resolveStagePolicy(s, 'dataset').retry).toMatchObject({ maximumAttempts: 2, initialInterval: '100ms' });
  });

  it('gives a stage that names only its retry profile the stage\'s default timeout, and the other way round', () => {
    const s = spec('stages:\n  finetune: { retry: quick }\n  predict: { timeout: short }\n');
    expect(stageProfileNames(s, 'finetune')).toEqual({ retry: 'quick', timeout: 'training' });
    expect(resolveStagePolicy(s, 'finetune')).toMatchObject({ retryProfile: 'quick', timeoutProfile: 'training', startToCloseTimeout: '48h' });
    expect(resolveStagePolicy(s, 'predict')).toMatchObject({ retryProfile: 'standard', timeoutProfile: 'short' });
  });

  it('resolves every stage of a minimal spec to durations Temporal parses', () => {
    const s = spec();
    for (const stage of POLICY_STAGES) {
      const policy = resolveStagePolicy(s, stage);
      expect(msToNumber(policy.startToCloseTimeout as never)).toBeGreaterThan(0);
      if (policy.heartbeatTimeout) expect(msToNumber(policy.heartbeatTimeout as never)).toBeLessThan(msToNumber(policy.startToCloseTimeout as never));
      expect(msToNumber(policy.retry.initialInterval as never)).toBeLessThanOrEqual(msToNumber(policy.retry.maximumInterval as never));
      expect(policy.retry.nonRetryableErrorTypes).toContain('InvalidSpec');
    }
  });

  it('has built-in durations in the form the schema allows', () => {
    const duration = /^[0-9]{1,9}(ms|s|m|h|d)$/;
    for (const p of Object.values(BUILTIN_RETRY_PROFILES)) for (const d of [p.initial_interval, p.maximum_interval]) if (d) expect(d).toMatch(duration);
    for (const p of Object.values(BUILTIN_TIMEOUT_PROFILES)) for (const d of [p.start_to_close, p.heartbeat]) if (d) expect(d).toMatch(duration);
  });

  it('throws for a profile that does not exist (a spec that skipped validation)', () => {
    const s = { ...spec(), stages: { finetune: { retry: 'missing' } } } as unknown as ExperimentSpec;
    expect(() => resolveStagePolicy(s, 'finetune')).toThrow("stages.finetune.retry: no retry profile named 'missing'");
    const proto = { ...spec(), stages: { finetune: { timeout: 'constructor' } } } as unknown as ExperimentSpec;
    expect(() => resolveStagePolicy(proto, 'finetune')).toThrow("no timeout profile named 'constructor'");
  });
});
