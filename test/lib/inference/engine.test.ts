// The engine's behaviour on the tiny INT4 model: stop rule, stop reasons, sampling, timings, run-folder lookup.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, ranPastBlocks, trimAfterBlocks, afterLastBlock, type Engine } from '../../../lib/inference';
import { PROJECT_ROOT } from '../../../lib/local/project';
import { parseToolUse } from '../../../lib/tool-call/parse';
import { onnxFixture, removeScratchDirs, scratchDir, type OnnxFixture } from '../../helpers/onnx-fixture';

const CUDA_LIB = path.join(PROJECT_ROOT, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');

describe('stop rule (predict.py ran_past_blocks / trim)', () => {
  it.each<[string, boolean]>([
    ['no block yet', false],
    ["<tool_use>read(file_path='a')</tool_use>", false],
    ["<tool_use>read(file_path='a')</tool_use>   ", false],
    ["<tool_use>read(file_path='a')</tool_use>\n<tool_", false],
    ["<tool_use>read(file_path='a')</tool_use>\n<tool_use>bash(", false],
    ["<tool_use>read(file_path='a')</tool_use>\nDone", false], // leading whitespace is stripped first
    ["<tool_use>read(file_path='a')</tool_use> Done\nmore", true],
    ["<tool_use>read(file_path='a')</tool_use> short tail", false],
    [`<tool_use>read(file_path='a')</tool_use> ${'x'.repeat(31)}`, false],
    [`<tool_use>read(file_path='a')</tool_use> ${'x'.repeat(32)}`, true],
    [`<tool_use>a()</tool_use> ${'é'.repeat(32)}`, true],
    [`<tool_use>a()</tool_use> ${'😀'.repeat(16)}`, false], // 16 code points, 32 UTF-16 units
    ['<tool_use>a()</tool_use>\x1c\n', false], // \x1c is whitespace to Python's lstrip (not to JS's \s)
    ['<tool_use>a()</tool_use>\ufeff\n', true], // \ufeff is not (JS's \s strips it)
  ])('%j -> %s', (text, expected) => {
    expect(ranPastBlocks(text)).toBe(expected);
  });

  it('trims after the last block only once generation moved past it', () => {
    expect(trimAfterBlocks('a <tool_use>x()</tool_use> b\nc')).toBe('a <tool_use>x()</tool_use>');
    expect(trimAfterBlocks('a <tool_use>x()</tool_use>\nmore')).toBe('a <tool_use>x()</tool_use>\nmore');
    expect(trimAfterBlocks("a <tool_use>x()</tool_use> b")).toBe('a <tool_use>x()</tool_use> b');
    expect(afterLastBlock('<tool_use>x()</tool_use>1<tool_use>y()</tool_use>2')).toBe('2');
    expect(afterLastBlock('nothing')).toBeNull();
  });
});

describe('engine on the tiny INT4 model', () => {
  let fx: OnnxFixture;
  let engine: Engine;
  beforeAll(async () => {
    fx = await onnxFixture();
    engine = await loadEngine(path.dirname(path.dirname(path.dirname(fx.int4))), { variant: 'int4', threads: 1 });
  }, 240_000);
  afterAll(async () => {
    await engine?.close();
    removeScratchDirs();
  });

  it('a run folder resolves to export/onnx/<variant>', () => {
    expect(engine.variantDir).toBe(fx.int4);
    expect(engine.prompts.format).toBe('text');
  });

  it('answers with the parsed tool calls, timings and token counts', async () => {
    const r = await engine.generate('Run npm test');
    expect(r.prompt).toBe('User: Run npm test\nAssistant:');
    expect(r.newTokens).toBe(r.tokenIds.length);
    expect(r.promptTokens).toBeGreaterThan(3);
    expect(r.latencyMs).toBeGreaterThanOrEqual(r.ttftMs);
    expect(r.ttftMs).toBeGreaterThanOrEqual(r.prefillMs);
    expect(r.prefillMs + r.decodeMs).toBeLessThanOrEqual(r.latencyMs);
    expect(['eos', 'tool_use', 'max_new_tokens']).toContain(r.stopReason);
    if (r.stopReason === 'max_new_tokens') expect(r.newTokens).toBe(128);
    if (r.stopReason === 'eos') expect(r.tokenIds.at(-1)).toBe(engine.files.decoder.eosTokenIds[0]);
    if (r.stopReason === 'tool_use') expect(ranPastBlocks(r.text)).toBe(false); // trimmed after the last block
    // The calls are the project's parser's reading of the text (what the tiny model writes depends on its training).
    const parsed = parseToolUse(r.text);
    expect(r.toolCalls).toEqual(parsed.calls.map((c) => ({ name: c.tool, parameters: c.params })));
    expect(r.parseErrors).toEqual(parsed.errors);
    expect(r.toolCall).toEqual(r.toolCalls[0] ?? null);
  });

  it('stops at max_new_tokens, and greedy decoding repeats itself', async () => {
    const a = await engine.generate('Show me README.md', { maxNewTokens: 3, stopAfterToolUse: false });
    expect(a.stopReason).toBe('max_new_tokens');
    expect(a.tokenIds).toHaveLength(3);
    const b = await engine.generate('Show me README.md', { maxNewTokens: 3, stopAfterToolUse: false });
    expect(b.tokenIds).toEqual(a.tokenIds);
  });

  it("stops at the model's context length: prompt + new tokens <= context_length", async () => {
    const dir = path.join(scratchDir('tt-ctx-'), 'int4');
    cpSync(fx.int4, dir, { recursive: true });
    const config = JSON.parse(readFileSync(path.join(dir, 'genai_config.json'), 'utf8')) as { model: { context_length: number } };
    config.model.context_length = 16;
    writeFileSync(path.join(dir, 'genai_config.json'), JSON.stringify(config));
    const small = await loadEngine(dir, { threads: 1 });
    try {
      const r = await small.generate('Run npm test', { maxNewTokens: 100, stopAfterToolUse: false });
      if (r.stopReason !== 'eos') {
        expect(r.stopReason).toBe('context_length');
        expect(r.promptTokens + r.newTokens).toBe(16);
      }
      expect(r.promptTokens + r.newTokens).toBeLessThanOrEqual(16);
    } finally {
      await small.close();
    }
  });

  it('sampling: the same seed gives the same tokens, another seed other tokens', async () => {
    const opts = { maxNewTokens: 24, temperature: 5, stopAfterToolUse: false };
    const a = await engine.generate('Open server.py', { ...opts, seed: 1 });
    const b = await engine.generate('Open server.py', { ...opts, seed: 1 });
    const c = await engine.generate('Open server.py', { ...opts, seed: 2 });
    expect(b.tokenIds).toEqual(a.tokenIds);
    expect(c.tokenIds).not.toEqual(a.tokenIds);
  });

  it('rejects bad options with a clear message', async () => {
    await expect(engine.generate('x', { maxNewTokens: 0 })).rejects.toThrow(/maxNewTokens must be a positive integer/);
    await expect(engine.generate('x', { temperature: -1 })).rejects.toThrow(/temperature must be 0/);
    await expect(engine.generate('x '.repeat(600))).rejects.toThrow(/the model's context is 512/);
    await expect(loadEngine(fx.int4, { threads: -2 })).rejects.toThrow(/threads must be an integer/);
  });

  it.skipIf(existsSync(CUDA_LIB))('cuda without onnxruntime-node\'s CUDA build: a clear error, not a native one', async () => {
    await expect(loadEngine(fx.int4, { executionProvider: 'cuda' })).rejects.toThrow(/the CUDA execution provider is not installed .*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });

  it("a run folder's spec decides the prompt: tools header in text format, chat template in chat format", async () => {
    const run = scratchDir('tt-run-');
    cpSync(fx.int4, path.join(run, 'export', 'onnx', 'int4'), { recursive: true });
    mkdirSync(path.join(run, 'dataset'));
    writeFileSync(path.join(run, 'dataset', 'tools.json'), JSON.stringify([{ name: 'read', description: 'r', inputSchema: { type: 'object', properties: { file_path: {}, limit: {} }, required: ['file_path'] } }]));
    const spec = (format: string) => writeFileSync(path.join(run, 'spec.resolved.json'), JSON.stringify({ spec: { dataset: { format, prompt_tools: 'signatures' } } }));
    spec('text');
    const text = await loadEngine(path.join(run, 'export', 'onnx', 'int4'), { threads: 1 });
    expect(text.prompts.forRequest('Read a')).toBe('Tools: read(file_path, limit?)\nUser: Read a\nAssistant:');
    await text.close();
    spec('chat');
    const chat = await loadEngine(run, { threads: 1 });
    expect(chat.prompts.forRequest('Read a')).toBe('User: Read a\nAssistant:');
    expect(chat.prompts.addSpecialTokens).toBe(false);
    await chat.close();
  });
});
