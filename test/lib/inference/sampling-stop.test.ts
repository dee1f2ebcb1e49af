// OpenAI's top_p and stop in the engine: nucleus sampling keeps only the likeliest tokens, stop sequences end the
// text before the first one outside a tool call (one inside a call's arguments does not count), and a streaming
// client never sees a stop sequence or the start of one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../lib/dataset/prng';
import { loadEngine, type Engine } from '../../../lib/inference';
import { sampler } from '../../../lib/inference/decode';
import { cutAtStop } from '../../../lib/inference/stop-rule';
import { splitGenerated } from '../../../lib/serve/stream-split';
import { onnxFixture } from '../../helpers/onnx-fixture';

describe('nucleus sampling', () => {
  const row = Float32Array.from([0, 3, 2.9, -1, 1]);
  const draws = (topP: number) => {
    const pick = sampler(1, createRng(7), topP);
    return new Set(Array.from({ length: 400 }, () => pick(row.slice())));
  };

  it('top_p 1 samples every token; a small top_p only the likeliest; 0 only the first', () => {
    expect(draws(1)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(draws(0.8)).toEqual(new Set([1, 2]));
    expect(draws(0)).toEqual(new Set([1]));
  });
});

describe('stop sequences', () => {
  it('cut the text before the first stop outside every tool call', () => {
    expect(cutAtStop('Hello. Bye. Done', ['. '])).toEqual({ text: 'Hello', hit: true });
    expect(cutAtStop("<tool_use>bash(command='a; b')</tool_use> then; end", [';'])).toEqual({ text: "<tool_use>bash(command='a; b')</tool_use> then", hit: true });
    expect(cutAtStop("<tool_use>bash(command='a; b'", [';'])).toEqual({ text: "<tool_use>bash(command='a; b'", hit: false });
    expect(cutAtStop('abc', ['x', ''])).toEqual({ text: 'abc', hit: false });
  });

  it('streaming never shows a stop sequence, nor a tail that may become one', () => {
    expect(splitGenerated('Hello EN', ['END']).content).toBe('Hello ');
    expect(splitGenerated('Hello ENDING', ['END']).content).toBe('Hello ');
    expect(splitGenerated('Hello', ['END']).content).toBe('Hello');
  });
});

describe('stop sequences and top_p in the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine((await onnxFixture()).fp32, { threads: 1 });
  }, 300_000);
  afterAll(() => engine?.close());

  it('a stop sequence taken from the free output ends the text just before it', async () => {
    const free = await engine.generate('hello there', { maxNewTokens: 24, stopAfterToolUse: false });
    const content = free.text.split('<tool_use>')[0] as string;
    expect(content.length).toBeGreaterThan(4);
    const stop = content.slice(2, 4);
    const at = free.text.indexOf(stop);
    const stopped = await engine.generate('hello there', { maxNewTokens: 24, stopAfterToolUse: false, stopSequences: [stop] });
    expect(stopped.text).toBe(free.text.slice(0, at));
    expect(stopped.stopReason).toBe('stop_sequence');
  }, 60_000);

  it('top_p 0 samples the greedy tokens; a bad top_p is a clear error', async () => {
    const greedy = await engine.generate('Read the config file', { maxNewTokens: 16 });
    const nucleus = await engine.generate('Read the config file', { maxNewTokens: 16, temperature: 0.7, topP: 0, seed: 3 });
    expect(nucleus.tokenIds).toEqual(greedy.tokenIds);
    await expect(engine.generate('x', { topP: 1.5 })).rejects.toThrow(/topP must be from 0/);
  }, 60_000);
});
