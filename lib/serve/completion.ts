// One chat completion on the engine: the grammar for the request's tools and tool_choice, generation
// (streamed token by token when asked), then the answer in OpenAI's shape with its tool calls checked.
import { randomBytes } from 'node:crypto';
import type { Engine, GenerateResult } from '../inference';
import { parseToolUse } from '../tool-call/syntax';
import { createParamsChecker } from '../tools/validate-params';
import type { PreparedRequest } from './chat-request';
import { contentOutsideBlocks, splitGenerated } from './stream-split';

// A tool call as OpenAI returns it.
export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

// What the route turns into a response or a stream's last chunk.
export interface CompletionResult {
  content: string | null;
  toolCalls: OpenAiToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  generation: GenerateResult;
  // Blocks written and the problems of those that did not parse or fit their schema.
  blocks: number;
  errors: string[];
}

// What a streaming client is sent as generation goes.
export interface StreamSink {
  content(delta: string): void;
  toolCall(index: number, call: OpenAiToolCall): void;
}

// A short random id with OpenAI's prefixes (chatcmpl-, call_).
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

// Turns one parsed call into OpenAI's shape (arguments as a JSON string).
function toOpenAi(call: { tool: string; params: Record<string, unknown> }): OpenAiToolCall {
  return { id: newId('call_'), type: 'function', function: { name: call.tool, arguments: JSON.stringify(call.params) } };
}

// Runs the request; with a sink, sends content and each closed tool call as soon as they are known.
export async function runCompletion(engine: Engine, req: PreparedRequest, opts: { constrained: boolean; signal: AbortSignal; sink?: StreamSink }): Promise<CompletionResult> {
  const useGrammar = opts.constrained && req.tools.length > 0 && req.choice !== 'none';
  const constraint = useGrammar ? await (await engine.constraints()).start(req.tools, req.choice) : null;
  const ids: number[] = [];
  let sentContent = 0;
  let sentCalls = 0;
  const streamed: OpenAiToolCall[] = [];
  let pending = Promise.resolve();
  const onToken = opts.sink
    ? (id: number) => {
        ids.push(id);
        const snapshot = [...ids];
        // Decoding is async; chain the updates so deltas go out in order.
        pending = pending.then(async () => {
          const { content, blocks } = splitGenerated(await engine.decode(snapshot), req.stop);
          if (content.length > sentContent) opts.sink?.content(content.slice(sentContent));
          sentContent = Math.max(sentContent, content.length);
          for (; sentCalls < blocks.length && req.choice !== 'none'; sentCalls++) {
            const parsed = parseToolUse(`<tool_use>${blocks[sentCalls]}</tool_use>`);
            for (const call of parsed.calls) {
              const c = toOpenAi(call);
              streamed.push(c);
              opts.sink?.toolCall(streamed.length - 1, c);
            }
          }
        });
      }
    : undefined;
  let generation: GenerateResult;
  try {
    generation = await engine.generatePrompt(req.prompt, { maxNewTokens: req.maxTokens, temperature: req.temperature, topP: req.topP, stopSequences: req.stop, seed: req.seed, constraint, signal: opts.signal, onToken });
  } finally {
    constraint?.dispose();
  }
  await pending;
  const parsed = parseToolUse(generation.text);
  // Without tools there is no schema to hold the calls to: only parsing counts.
  const check = req.tools.length ? createParamsChecker(req.tools) : () => [];
  const schemaErrors = parsed.calls.flatMap((c) => check(c).map((e) => `${c.tool}: ${e}`));
  const toolCalls = req.choice === 'none' ? [] : opts.sink ? streamed : parsed.calls.map(toOpenAi);
  const content = contentOutsideBlocks(generation.text);
  return {
    content: content === '' ? null : content,
    toolCalls,
    finishReason: toolCalls.length > 0 ? 'tool_calls' : generation.stopReason === 'max_new_tokens' ? 'length' : 'stop',
    usage: { prompt_tokens: generation.promptTokens, completion_tokens: generation.newTokens, total_tokens: generation.promptTokens + generation.newTokens },
    generation,
    blocks: parsed.blocks,
    errors: [...parsed.errors, ...schemaErrors],
  };
}
