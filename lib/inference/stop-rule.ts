// The predict stage's stop rule (python-activities/activities/predict.py), so both engines stop alike.

const END = '</tool_use>';
const START = '<tool_use>';
// Python's str.lstrip() whitespace (differs from JS \s: adds \x1c-\x1f and \x85, lacks \ufeff).
const PY_LEADING_SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

// How many trailing generated tokens the rule looks at (predict.py's ToolUseStop decodes the last 48).
export const STOP_TAIL_TOKENS = 48;

// Text after the last </tool_use>, or null when no block has closed yet.
export function afterLastBlock(text: string): string | null {
  const i = text.lastIndexOf(END);
  return i < 0 ? null : text.slice(i + END.length);
}

// True once the output has moved on from tool calls: a line, or 32+ characters, after the last block that
// do not open another <tool_use>. Lets models that never write EOS stop early (predict.py's ran_past_blocks).
export function ranPastBlocks(text: string): boolean {
  const rest = afterLastBlock(text);
  if (rest === null) return false;
  const tail = rest.replace(PY_LEADING_SPACE, '');
  if (tail === '' || tail.startsWith(START) || START.startsWith(tail)) return false;
  return tail.includes('\n') || codePoints(tail) >= 32;
}

// Cuts whatever follows the last tool block once generation had moved past it (predict.py's trim).
export function trimAfterBlocks(text: string): string {
  return ranPastBlocks(text) ? text.slice(0, text.lastIndexOf(END) + END.length) : text;
}

// Python's len(): code points, not UTF-16 units.
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// The text up to the first stop sequence that lies outside every <tool_use> block (OpenAI's `stop`), and
// whether one was found; a stop string inside a call's arguments does not count.
export function cutAtStop(text: string, stops: readonly string[]): { text: string; hit: boolean } {
  let cut = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    for (let at = text.indexOf(stop); at >= 0 && (cut < 0 || at < cut); at = text.indexOf(stop, at + 1)) {
      if (!insideOpenBlock(text.slice(0, at))) {
        cut = at;
        break;
      }
    }
  }
  return cut < 0 ? { text, hit: false } : { text: text.slice(0, cut), hit: true };
}

// True when the text has a <tool_use> block that is not closed.
export function insideOpenBlock(text: string): boolean {
  return text.lastIndexOf(START) > text.lastIndexOf(END);
}

// True when the text ends in the middle of writing <tool_use> (at least `<tool`): the call has begun.
export function endsInOpeningTag(text: string): boolean {
  for (let n = 5; n < START.length; n++) if (text.endsWith(START.slice(0, n))) return true;
  return false;
}
