// The grammar of a tool call, generated from the tools' JSON Schemas, in xgrammar's EBNF: exactly the
// Python call syntax lib/tool-call renders (`name(arg='v', n=3)`), with a tool name from the list, that
// tool's argument names in schema order (the order the dataset trains on), each at most once, required
// ones always present, and values of the schema's type (enum members, integer ranges, escaped strings).
import toRegexRange from 'to-regex-range';
import { renderPythonString } from '../../tool-call/syntax';
import type { ToolDefinition } from '../../tools/load-tools';

// A JSON Schema node as the tool definitions use it.
type SchemaNode = Record<string, unknown>;

// Integers without a bound in the schema stay within what a double holds exactly.
const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

// The text a string literal may never hold raw: the parser ends a block at the first `</tool_use>`, so
// the renderer writes its '<' as \x3c. Strings are a right-recursive automaton that never completes it.
const CLOSE = '</tool_use>';

// String literals with the renderer's escapes and no raw `</tool_use>`; `s<k>` follows a '<' and the
// first k characters of "/tool_use>" (k = 0..9), where the next character must not continue the match.
function stringRules(): string {
  const tail = CLOSE.slice(1);
  const escape = String.raw`"\\" ( ["'\\nrt] | "x" [0-9a-fA-F]{2} | "u" [0-9a-fA-F]{4} )`;
  const other = (except: string) => `[^'\\\\\\n\\r<${except}]`; // the characters of /tool_use> need no escape here
  const lines = [`str_seq ::= "" | ( ${other('')} | ${escape} ) str_seq | "<" s0`];
  for (let k = 0; k < tail.length; k++) {
    const next = k + 1 < tail.length ? ` | ${JSON.stringify(tail[k])} s${k + 1}` : '';
    lines.push(`s${k} ::= "" | ( ${other(tail[k] as string)} | ${escape} ) str_seq | "<" s0${next}`);
  }
  lines.push(`any_str ::= "'" str_seq "'"`, `nonempty_str ::= "'" ( ( ${other('')} | ${escape} ) str_seq | "<" s0 ) "'"`);
  return lines.join('\n');
}

// Shared rules every grammar uses: string literals, numbers, any literal.
const COMMON_RULES = [
  stringRules(),
  String.raw`number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [+-]? [0-9]+ )?`,
  String.raw`any_value ::= any_str | number | "True" | "False" | "None" | "[" ( any_value ( ", " any_value )* )? "]" | "{" ( any_str ": " any_value ( ", " any_str ": " any_value )* )? "}"`,
].join('\n');

// Quotes a literal for EBNF (JSON string escapes are valid EBNF string escapes).
function quote(text: string): string {
  return JSON.stringify(text);
}

// Translates to-regex-range's output (groups, classes, repeats and digits) into EBNF.
function regexToEbnf(regex: string): string {
  let out = '';
  for (let i = 0; i < regex.length; ) {
    if (regex.startsWith('(?:', i)) {
      out += '( ';
      i += 3;
    } else if (regex[i] === '[') {
      const end = regex.indexOf(']', i);
      out += `${regex.slice(i, end + 1)} `;
      i = end + 1;
    } else if (regex[i] === '{') {
      const end = regex.indexOf('}', i);
      out = `${out.trimEnd()}${regex.slice(i, end + 1)} `;
      i = end + 1;
    } else if (regex[i] === '|' || regex[i] === ')') {
      out += `${regex[i] === '|' ? '|' : ')'} `;
      i += 1;
    } else {
      let j = i;
      while (j < regex.length && /[0-9]/.test(regex[j] as string)) j++;
      if (j === i) throw new Error(`unexpected ${JSON.stringify(regex[i])} in integer range pattern ${regex}`);
      out += `${quote(regex.slice(i, j))} `;
      i = j;
    }
  }
  return out.trim();
}

// EBNF for the integers in [lo, hi] as Python writes them (no leading zeros, '-' for negatives).
export function integerRangeEbnf(lo: number, hi: number): string {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) throw new Error(`empty or unsafe integer range [${lo}, ${hi}]`);
  const parts: string[] = [];
  if (lo < 0) {
    const from = hi < 0 ? -hi : 1;
    parts.push(`"-" ${regexToEbnf(toRegexRange(String(from), String(-lo), { capture: false }))}`);
  }
  if (hi >= 0) parts.push(regexToEbnf(toRegexRange(String(Math.max(lo, 0)), String(hi), { capture: false })));
  return parts.length === 1 ? (parts[0] as string) : `( ${parts.join(' | ')} )`;
}

// The EBNF expression for one value of a schema node.
function valueEbnf(node: SchemaNode, path: string): string {
  if (Array.isArray(node.enum)) return literalAlternativesEbnf(node.enum.map((v) => literalText(v, path)));
  if (node.const !== undefined) return literalEbnf(node.const, path);
  const type = node.type;
  if (type === 'string') return typeof node.minLength === 'number' && node.minLength > 0 ? 'nonempty_str' : 'any_str';
  if (type === 'integer') {
    const lo = typeof node.minimum === 'number' ? Math.ceil(node.minimum) : -MAX_INTEGER;
    const hi = typeof node.maximum === 'number' ? Math.floor(node.maximum) : MAX_INTEGER;
    return integerRangeEbnf(lo, hi);
  }
  if (type === 'number') return 'number';
  if (type === 'boolean') return '( "True" | "False" )';
  if (type === 'null') return '"None"';
  if (type === 'array') {
    const item = node.items && typeof node.items === 'object' ? valueEbnf(node.items as SchemaNode, `${path}[]`) : 'any_value';
    const min = typeof node.minItems === 'number' ? node.minItems : 0;
    return min > 0 ? `"[" ${item} ( ", " ${item} )* "]"` : `"[" ( ${item} ( ", " ${item} )* )? "]"`;
  }
  return 'any_value';
}

// A constant value (enum member) exactly as the renderer writes it.
function literalEbnf(value: unknown, path: string): string {
  return quote(literalText(value, path));
}

function literalText(value: unknown, path: string): string {
  if (typeof value === 'string') return renderPythonString(value);
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Error(`cannot constrain ${path}: enum member ${JSON.stringify(value)} is not a string, number, boolean or null`);
}

// One of several literal texts, written as a prefix tree whose branches start with different characters.
// Why not `"a" | "b" | ...`: web-xgrammar 0.1.27 merges the automaton states of alternatives that share a
// prefix and then accepts splices such as 'researche-analyzer' from 'researcher' | 'code-analyzer'
// (mlc-ai/xgrammar#618, fixed in the C++ library by #632, not yet in a WebAssembly release). A tree has no
// two branches that begin alike, so there is nothing to merge.
export function literalAlternativesEbnf(texts: readonly string[]): string {
  const unique = [...new Set(texts)];
  if (unique.length === 1) return quote(unique[0] as string);
  const ends = unique.includes('');
  const groups = new Map<string, string[]>();
  for (const t of unique) {
    if (t === '') continue;
    const first = [...t][0] as string;
    groups.set(first, [...(groups.get(first) ?? []), t.slice(first.length)]);
  }
  const branches = [...groups].map(([first, rests]) => {
    // Longest common prefix of the branch, so chains of single characters become one literal.
    let prefix = first;
    let tails = rests;
    while (tails.length > 1 || (tails.length === 1 && (tails[0] as string).length > 0)) {
      const c = [...(tails[0] as string)][0];
      if (c === undefined || !tails.every((t) => t.startsWith(c))) break;
      prefix += c;
      tails = tails.map((t) => t.slice(c.length));
    }
    return tails.length === 1 && tails[0] === '' ? quote(prefix) : `${quote(prefix)} ${literalAlternativesEbnf(tails)}`;
  });
  const body = branches.join(' | ');
  return ends ? `( ${body} )?` : branches.length === 1 ? (branches[0] as string) : `( ${body} )`;
}

// The rule for one tool: its name, then its arguments in schema order, optional ones optional.
function toolRule(tool: ToolDefinition, rule: string): string {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, SchemaNode>;
  const required = new Set<string>((tool.inputSchema.required as string[] | undefined) ?? []);
  const args = Object.entries(properties).map(([name, node]) => ({ name, required: required.has(name), value: valueEbnf(node, `${tool.name}.${name}`) }));
  // Separators: ", " before every argument but the first one present. Each argument gets two rules:
  // `<rule>_a<i>` when it may come first, `<rule>_b<i>` when an argument was written before it.
  const lines: string[] = [];
  const tail = (i: number, first: boolean): string => {
    if (i >= args.length) return '""';
    const arg = args[i] as (typeof args)[number];
    const written = `${first ? '' : '", " '}${quote(`${arg.name}=`)} ${arg.value} ${rest(i + 1, false)}`;
    return arg.required ? `( ${written} )` : `( ${written} | ${rest(i + 1, first)} )`;
  };
  const rest = (i: number, first: boolean): string => (i >= args.length ? '""' : `${rule}_${first ? 'a' : 'b'}${i}`);
  for (let i = 0; i < args.length; i++) {
    lines.push(`${rule}_a${i} ::= ${tail(i, true)}`, `${rule}_b${i} ::= ${tail(i, false)}`);
  }
  lines.unshift(`${rule} ::= ${quote(`${tool.name}(`)} ${rest(0, true)} ")"`);
  return lines.join('\n');
}

// The whole grammar: `root` is one call of one of the tools (or of `only`, when a tool is forced).
export function buildToolCallGrammar(tools: readonly ToolDefinition[], only?: string): string {
  const chosen = only === undefined ? tools : tools.filter((t) => t.name === only);
  if (chosen.length === 0) throw new Error(only === undefined ? 'no tools to build a grammar for' : `unknown tool ${JSON.stringify(only)}`);
  const rules = chosen.map((tool, i) => toolRule(tool, `tool${i}`));
  return [`root ::= ${chosen.map((_, i) => `tool${i}`).join(' | ')}`, ...rules, COMMON_RULES].join('\n');
}
