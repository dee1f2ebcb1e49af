// The experiment schema documents every property, closes every object, and has defaults its own rules accept.
import { Ajv2020 } from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import schema from '../../specs/experiment.schema.json';

type SchemaNode = Record<string, unknown>;

// One schema node reached from the root, with its JSON pointer.
interface Visited {
  pointer: string;
  node: SchemaNode;
}

const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null && !Array.isArray(v);

// Every schema node: properties, items, $defs, map values and combinators, recursively.
function walk(node: SchemaNode, pointer: string, out: Visited[] = []): Visited[] {
  out.push({ pointer, node });
  for (const key of ['properties', '$defs', 'patternProperties'] as const) {
    const children = node[key];
    if (isNode(children)) for (const [name, child] of Object.entries(children)) if (isNode(child)) walk(child, `${pointer}/${key}/${name}`, out);
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else', 'contains'] as const) {
    const child = node[key];
    if (isNode(child)) walk(child, `${pointer}/${key}`, out);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, i) => isNode(child) && walk(child, `${pointer}/${key}/${i}`, out));
  }
  return out;
}

// The node a local $ref (#/$defs/x) points at.
function deref(ref: string): SchemaNode | undefined {
  let node: unknown = schema;
  for (const seg of ref.replace(/^#\//, '').split('/')) node = isNode(node) ? node[seg] : undefined;
  return isNode(node) ? node : undefined;
}

const nodes = walk(schema as SchemaNode, '');
const properties = nodes.filter((v) => /\/(properties|\$defs)\/[^/]+$/.test(v.pointer));

describe('experiment schema quality', () => {
  it('is walked in full', () => {
    expect(properties.length).toBeGreaterThan(80);
  });

  it('every property and definition has a description (its own, or the one of the definition it refers to)', () => {
    const missing = properties.filter(({ node }) => {
      if (typeof node.description === 'string' && node.description.trim().length > 0) return false;
      const target = typeof node.$ref === 'string' ? deref(node.$ref) : undefined;
      return !(typeof target?.description === 'string' && target.description.trim().length > 0);
    });
    expect(missing.map((v) => v.pointer)).toEqual([]);
  });

  it('every object schema sets additionalProperties (false, or a schema for maps)', () => {
    const objects = nodes.filter(({ node }) => node.type === 'object' || isNode(node.properties));
    expect(objects.length).toBeGreaterThan(10);
    const open = objects.filter(({ node }) => node.additionalProperties !== false && !isNode(node.additionalProperties));
    expect(open.map((v) => v.pointer)).toEqual([]);
  });

  it('every map schema also restricts its key names', () => {
    const maps = nodes.filter(({ node }) => isNode(node.additionalProperties));
    expect(maps.length).toBeGreaterThan(0);
    expect(maps.filter(({ node }) => !isNode(node.propertyNames)).map((v) => v.pointer)).toEqual([]);
  });

  it('every default is valid against the schema it belongs to', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addSchema(schema);
    const bad: string[] = [];
    let checked = 0;
    for (const { pointer, node } of nodes) {
      if (!('default' in node)) continue;
      checked++;
      const validate = ajv.getSchema(`${schema.$id}#${pointer}`);
      if (!validate) throw new Error(`cannot compile ${pointer}`);
      if (!validate(structuredClone(node.default))) bad.push(`${pointer}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});
