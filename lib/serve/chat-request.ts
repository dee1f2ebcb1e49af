// From an OpenAI request to what the engine needs: the tools (the request's, else the run's), the
// tool_choice for the grammar, and the prompt. The fine-tuned models learn single requests, so the prompt
// is built from the last user message, with the tools line the run's prompts carry (dataset.prompt_tools).
import { renderToolsHeader, renderPrompt } from '../dataset/render-records';
import type { Engine, ToolChoice } from '../inference';
import { compileInputSchema } from '../tools/validate-params';
import type { ToolDefinition } from '../tools/tool-definition';
import type { ChatCompletionRequest, ChatMessage } from './openai-types';

// A request the server cannot answer as asked: a 400 with the offending parameter.
export class BadRequest extends Error {
  constructor(message: string, readonly param: string | null = null, readonly status = 400, readonly code: string | null = null) {
    super(message);
  }
}

// What one generation needs, derived from a request.
export interface PreparedRequest {
  prompt: string;
  lastUserMessage: string;
  tools: ToolDefinition[];
  choice: ToolChoice;
  maxTokens: number;
  temperature: number;
  /** OpenAI's top_p (1: off; used when temperature is above 0). */
  topP: number;
  /** OpenAI's stop: generation ends before the first of these in the text outside tool calls. */
  stop: string[];
  seed: number;
}

// The text of a message's content (strings, or text parts joined).
export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  return (m.content ?? []).map((p) => p.text).join('');
}

// OpenAI function tools as tool definitions; a parameters schema ajv cannot compile is a 400.
export function toolsFromRequest(req: ChatCompletionRequest, fallback: readonly ToolDefinition[]): ToolDefinition[] {
  if (!req.tools) return [...fallback];
  const seen = new Set<string>();
  return req.tools.map((t, i) => {
    const name = t.function.name;
    if (seen.has(name)) throw new BadRequest(`duplicate tool name '${name}'`, `tools[${i}].function.name`);
    seen.add(name);
    const inputSchema = (t.function.parameters ?? { type: 'object', properties: {} }) as ToolDefinition['inputSchema'];
    const compiled = compileInputSchema(inputSchema);
    if (compiled.error) throw new BadRequest(`parameters is not a usable JSON Schema: ${compiled.error}`, `tools[${i}].function.parameters`);
    return { name, description: t.function.description ?? '', inputSchema };
  });
}

// Reads tool_choice; a named function must be one of the tools, and 'required' needs tools.
export function choiceFromRequest(req: ChatCompletionRequest, tools: readonly ToolDefinition[]): ToolChoice {
  const choice = req.tool_choice ?? 'auto';
  if (typeof choice === 'object') {
    if (!tools.some((t) => t.name === choice.function.name)) throw new BadRequest(`tool_choice names '${choice.function.name}', which is not among the tools`, 'tool_choice');
    return { name: choice.function.name };
  }
  if (choice === 'required' && tools.length === 0) throw new BadRequest("tool_choice is 'required' but there are no tools", 'tool_choice');
  return choice;
}

// Builds the engine's input for a request under the server's defaults and limits.
export function prepareRequest(engine: Engine, req: ChatCompletionRequest, limits: { maxTokens: number; maxTokensLimit: number; temperature: number }): PreparedRequest {
  const runTools = engine.run?.tools ?? [];
  const tools = toolsFromRequest(req, runTools);
  const choice = choiceFromRequest(req, tools);
  const last = [...req.messages].reverse().find((m) => m.role === 'user');
  if (!last) throw new BadRequest('messages must hold a user message', 'messages');
  const lastUserMessage = messageText(last);
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? limits.maxTokens;
  if (maxTokens > limits.maxTokensLimit) throw new BadRequest(`max_tokens is ${maxTokens}; this server allows at most ${limits.maxTokensLimit}`, 'max_tokens');
  let prompt: string;
  if (engine.prompts.format === 'chat') {
    prompt = engine.prompts.forRequest(lastUserMessage);
  } else {
    const mode = engine.run?.promptTools ?? 'none';
    prompt = renderPrompt(lastUserMessage, mode === 'none' || tools.length === 0 ? '' : renderToolsHeader(tools, mode));
  }
  const stop = typeof req.stop === 'string' ? [req.stop] : (req.stop ?? []);
  return { prompt, lastUserMessage, tools, choice, maxTokens, temperature: req.temperature ?? limits.temperature, topP: req.top_p ?? 1, stop, seed: req.seed ?? Math.floor(Math.random() * 2 ** 31) };
}
