// The OpenAI chat-completions request the server accepts, as a JSON Schema Fastify validates with ajv
// (unknown fields are a 400), and its TypeScript shape.

// A chat message: content as text or text parts; tool results and earlier tool calls are accepted too.
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | { type: 'text'; text: string }[] | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

// An OpenAI function tool.
export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

// The request body.
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  tools?: FunctionTool[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  n?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  stop?: string | string[] | null;
  user?: string;
  parallel_tool_calls?: boolean;
}

const text = { type: 'string', maxLength: 200_000 } as const;
const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' } as const;

// The body schema (ajv, via Fastify): bounded sizes everywhere, so no request can ask for unbounded work.
export const chatCompletionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    messages: {
      type: 'array', minItems: 1, maxItems: 256,
      items: {
        type: 'object', additionalProperties: false, required: ['role'],
        properties: {
          role: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
          content: {
            anyOf: [text, { type: 'null' }, {
              type: 'array', maxItems: 64,
              items: { type: 'object', additionalProperties: false, required: ['type', 'text'], properties: { type: { const: 'text' }, text } },
            }],
          },
          name: { type: 'string', maxLength: 256 },
          tool_call_id: { type: 'string', maxLength: 256 },
          tool_calls: {
            type: 'array', maxItems: 64,
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'type', 'function'],
              properties: {
                id: { type: 'string', maxLength: 256 }, type: { const: 'function' },
                function: { type: 'object', additionalProperties: false, required: ['name', 'arguments'], properties: { name: { type: 'string', maxLength: 256 }, arguments: text } },
              },
            },
          },
        },
      },
    },
    tools: {
      type: 'array', maxItems: 128,
      items: {
        type: 'object', additionalProperties: false, required: ['type', 'function'],
        properties: {
          type: { const: 'function' },
          function: {
            type: 'object', additionalProperties: false, required: ['name'],
            properties: { name: identifier, description: { type: 'string', maxLength: 8192 }, parameters: { type: 'object' }, strict: { type: ['boolean', 'null'] } },
          },
        },
      },
    },
    tool_choice: {
      anyOf: [
        { enum: ['auto', 'none', 'required'] },
        { type: 'object', additionalProperties: false, required: ['type', 'function'], properties: { type: { const: 'function' }, function: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: identifier } } } },
      ],
    },
    max_tokens: { type: 'integer', minimum: 1 },
    max_completion_tokens: { type: 'integer', minimum: 1 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    seed: { type: 'integer' },
    n: { const: 1 },
    stream: { type: 'boolean' },
    stream_options: { anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { include_usage: { type: 'boolean' } } }] },
    stop: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 256 }, { type: 'array', maxItems: 4, items: { type: 'string', maxLength: 256 } }] },
    user: { type: 'string', maxLength: 256 },
    parallel_tool_calls: { type: 'boolean' },
  },
} as const;
