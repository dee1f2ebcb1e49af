// Splits text as it is generated into what a streaming client sees: content outside <tool_use> blocks
// (never a block, nor the start of one that may still turn into a block) and the blocks that closed.
const START = '<tool_use>';
const END = '</tool_use>';

// The visible content and the closed blocks' inner text of a text generated so far.
export function splitGenerated(text: string): { content: string; blocks: string[] } {
  let content = '';
  const blocks: string[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf(START, at);
    if (open < 0) break;
    content += text.slice(at, open);
    const close = text.indexOf(END, open + START.length);
    if (close < 0) return { content, blocks };
    blocks.push(text.slice(open + START.length, close));
    at = close + END.length;
  }
  let rest = text.slice(at);
  // Hold back a tail that is a prefix of <tool_use>: the next token may complete it.
  for (let k = Math.min(START.length - 1, rest.length); k > 0; k--) {
    if (START.startsWith(rest.slice(rest.length - k))) {
      rest = rest.slice(0, rest.length - k);
      break;
    }
  }
  return { content: content + rest, blocks };
}

// Strips every <tool_use> block (closed or not) from a finished text: the content of an answer.
export function contentOutsideBlocks(text: string): string {
  return text.replace(/<tool_use>[\s\S]*?(<\/tool_use>|$)/g, '').trim();
}
