// Safe YAML reading for specs: size cap, duplicate keys, alias bombs and a non-mapping root are refused.
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, visit, type Alias, type Document, type Node } from 'yaml';
import { formatKeyPath, renderExcerpt, type SpecProblem } from './problems';

// Largest spec file accepted; a spec is a page of settings, not data.
export const MAX_SPEC_BYTES = 256 * 1024;
// Most alias expansions accepted (guards against "billion laughs").
const MAX_ALIAS_COUNT = 100;

// A parsed YAML spec with what is needed to place problems on lines.
export interface ParsedYaml {
  value: unknown;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  source: string;
}

// Parses spec text, returning the value or every problem found, never throwing.
export function parseSpecYaml(source: string): { ok: true; parsed: ParsedYaml } | { ok: false; problems: SpecProblem[] } {
  const size = Buffer.byteLength(source, 'utf8');
  if (size > MAX_SPEC_BYTES) {
    return { ok: false, problems: [{ path: '(file)', line: 1, column: 1, message: `spec is ${size} bytes; the limit is ${MAX_SPEC_BYTES}` }] };
  }
  const lineCounter = new LineCounter();
  // uniqueKeys is checked below, so that each duplicate is reported at its own line.
  const doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const problems: SpecProblem[] = doc.errors.map((err) => {
    // linePos is only filled in with prettyErrors; the offset always is.
    const pos = lineCounter.linePos(err.pos[0]);
    const message = err.code === 'MULTIPLE_DOCS' ? 'a spec is one YAML document; this file holds more than one (---)' : err.message.split('\n')[0] ?? err.message;
    return { path: '(yaml)', line: pos.line, column: pos.col, message, excerpt: renderExcerpt(source, pos.line, pos.col) };
  });
  problems.push(...findDuplicateKeys(doc, lineCounter, source));
  if (problems.length > 0) return { ok: false, problems };
  if (!isMap(doc.contents)) {
    const at = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
    return { ok: false, problems: [{ path: '(root)', line: at.line, column: at.col, message: 'the spec must be a mapping of keys to values (name: ..., model: ...)', excerpt: renderExcerpt(source, at.line, at.col) }] };
  }
  try {
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { ok: true, parsed: { value, doc, lineCounter, source } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = aliasPosition(doc, lineCounter);
    return { ok: false, problems: [{ path: '(yaml)', line: at.line, column: at.col, message: `cannot expand the document: ${message}`, excerpt: renderExcerpt(source, at.line, at.col) }] };
  }
}

// Where expanding failed: the first alias to an undefined anchor, else the first alias (an alias bomb).
function aliasPosition(doc: Document.Parsed, lineCounter: LineCounter): { line: number; col: number } {
  let first: Alias | undefined;
  let unresolved: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      first ??= node;
      if (!unresolved && !node.resolve(doc)) unresolved = node;
    },
  });
  const chosen = unresolved ?? first;
  return chosen?.range ? lineCounter.linePos(chosen.range[0]) : { line: 1, col: 1 };
}

// Reports every key that appears twice in one mapping, at the second occurrence, with its full key path.
function findDuplicateKeys(doc: Document.Parsed, lineCounter: LineCounter, source: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const walk = (node: unknown, segments: (string | number)[]): void => {
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...segments, i]));
    if (!isMap(node)) return;
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      if (seen.has(name) && pair.key.range) {
        const pos = lineCounter.linePos(pair.key.range[0]);
        problems.push({ path: formatKeyPath([...segments, name]), line: pos.line, column: pos.col, message: `duplicate key '${name}' (each key may appear once in a mapping)`, excerpt: renderExcerpt(source, pos.line, pos.col) });
      }
      seen.add(name);
      walk(pair.value, [...segments, name]);
    }
  };
  walk(doc.contents, []);
  return problems;
}

// Finds the YAML node for a key path, and whether the key itself (not its value) should be pointed at.
function findNode(doc: Document.Parsed, segments: readonly (string | number)[], pointAtKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return (node as Node) ?? undefined;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return node as Node;
      keyNode = undefined;
      node = item;
    } else {
      break;
    }
  }
  const chosen = pointAtKey && keyNode ? keyNode : node ?? keyNode;
  return chosen as Node | undefined;
}

// Line and column (1-based) of a key path in the parsed document; falls back to the nearest parent.
export function locate(parsed: ParsedYaml, segments: readonly (string | number)[], pointAtKey = false): { line: number; column: number } {
  for (let n = segments.length; n >= 0; n--) {
    const node = findNode(parsed.doc, segments.slice(0, n), pointAtKey && n === segments.length);
    if (node?.range) {
      const pos = parsed.lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}
