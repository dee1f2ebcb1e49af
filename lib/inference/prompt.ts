// Builds the exact prompt string the Python predict stage builds (activities/formatting.py case_prompt).
import { Template } from '@huggingface/jinja';
import { renderPrompt } from '../dataset/render-records';
import { InferenceError } from './errors';

// The record formats of the dataset stage: plain "User: ...\nAssistant:" text, or chat messages.
export type RecordFormat = 'text' | 'chat';

// formatting.py's DEFAULT_CHAT_TEMPLATE, used when a tokenizer has no template of its own (must stay identical).
export const DEFAULT_CHAT_TEMPLATE =
  '{% if bos_token %}{{ bos_token }}{% endif %}' +
  '{% for m in messages %}' +
  "{% if m['role'] == 'system' %}{{ m['content'] }}\n" +
  "{% elif m['role'] == 'user' %}User: {{ m['content'] }}\n" +
  "{% elif m['role'] == 'assistant' %}Assistant: {{ m['content'] }}{{ eos_token }}" +
  '{% endif %}{% endfor %}' +
  '{% if add_generation_prompt %}Assistant:{% endif %}';

// The fields of an evaluation case that decide its prompt.
export interface PromptCase {
  query?: string;
  prompt?: string;
}

// Turns cases and free requests into prompt strings for one tokenizer and record format.
export interface PromptBuilder {
  format: RecordFormat;
  /** predict.py tokenizes text prompts with the tokenizer's special tokens and chat prompts without. */
  addSpecialTokens: boolean;
  forCase(c: PromptCase): string;
  /** A user request: the text format's prompt with the run's tools header, or the chat template's. */
  forRequest(query: string): string;
}

// A prompt builder; `header` is the text format's tools line (renderToolsHeader), '' when the run had none.
export function createPromptBuilder(opts: { format: RecordFormat; chatTemplate: string | null; specialTokens: Record<string, string>; header?: string }): PromptBuilder {
  let template: Template | undefined;
  const renderChat = (query: string): string => {
    try {
      template ??= new Template(opts.chatTemplate ?? DEFAULT_CHAT_TEMPLATE);
      // transformers passes the messages, tools/documents (None here), add_generation_prompt and the special tokens.
      return template.render({ ...opts.specialTokens, messages: [{ role: 'user', content: query }], tools: null, documents: null, add_generation_prompt: true });
    } catch (err) {
      throw new InferenceError(`the chat template failed to render: ${(err as Error).message}`);
    }
  };
  const header = opts.header ?? '';
  return {
    format: opts.format,
    addSpecialTokens: opts.format === 'text',
    forCase(c) {
      if (opts.format === 'chat') return renderChat(c.query || c.prompt || '');
      return c.prompt ? c.prompt : renderPrompt(c.query ?? '');
    },
    forRequest(query) {
      return opts.format === 'chat' ? renderChat(query) : renderPrompt(query, header);
    },
  };
}
