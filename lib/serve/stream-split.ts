// Splits text as it is generated into what a streaming client sees: content outside <tool_use> blocks
// (never a block, nor the start of one that may still turn into a block) and the blocks that closed.
import { cutAtStop } from '../inference/stop-rule';

const START = '<tool_use>';
const END = '</tool_use>';

// The visible content and the closed blocks' inner text of a text generated so far; with stop sequences, the
// content ends before the first one and holds back a tail that may still become one (a client never sees it).
export function splitGenerated(text: string, stops: readonly string[] = []): { content: string; blocks: string[] } {
  if (stops.length > 0) {
    const cut = cutAtStop(text, stops);
    if (cut.hit) return splitGenerated(cut.text);
    const split = splitGenerated(text);
    return { content: holdBackPrefixes(split.content, stops), blocks: split.blocks };
  }
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
  // Hold back a tail that is a prefix of <tool_use>: the next token may complete it.
  return { content: content + holdBackPrefixes(text.slice(at), [START]), blocks };
}

// Drops the longest tail of the content that is the start of one of the markers (a tag, stop sequences).
function holdBackPrefixes(content: string, markers: readonly string[]): string {
  let keep = content.length;
  for (const marker of markers) {
    for (let k = Math.min(marker.length - 1, content.length); k > 0; k--) {
      if (marker.startsWith(content.slice(content.length - k))) {
        keep = Math.min(keep, content.length - k);
        break;
      }
    }
  }
  return content.slice(0, keep);
}

// Strips every <tool_use> block (closed or not) from a finished text: the content of an answer.
export function contentOutsideBlocks(text: string): string {
  return text.replace(/<tool_use>[\s\S]*?(<\/tool_use>|$)/g, '').trim();
}
