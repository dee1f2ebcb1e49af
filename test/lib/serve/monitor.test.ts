// The server's monitoring without a model: rolling validity with its alert, the failed-calls log, the
// stream splitter, admission control and the serving settings.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServingConfig, ServingConfigError } from '../../../lib/serve/config';
import { Monitor, type Outcome } from '../../../lib/serve/monitor';
import { QueueFullError, Slots } from '../../../lib/serve/slots';
import { contentOutsideBlocks, splitGenerated } from '../../../lib/serve/stream-split';

const outcome = (errors: string[], toolCalls = 1): Outcome => ({ requestId: 'r', request: 'q', output: 'o', latencySeconds: 0.1, newTokens: 5, decodeSeconds: 0.05, toolCalls, errors });

describe('Monitor', () => {
  it('alerts once when rolling validity falls below the threshold, and once when it recovers', async () => {
    const warnings: string[] = [];
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'tt-mon-')), 'serving', 'failed-calls.jsonl');
    const m = new Monitor({ threshold: 0.9, window: 10, failedCallsLog: log, warn: (w) => warnings.push(w) });
    for (let i = 0; i < 10; i++) m.record(outcome([]));
    expect(m.currentValidity()).toBe(1);
    m.record(outcome(['read: unknown argument content']));
    m.record(outcome(['block 1: unterminated string']));
    expect(m.currentValidity()).toBeCloseTo(0.8);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ALERT tool-call validity 80.0 % is below 90 % over the last 10 calls/);
    for (let i = 0; i < 10; i++) m.record(outcome([]));
    expect(warnings).toHaveLength(2);
    await m.close();
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { errors: string[] });
    expect(lines.map((l) => l.errors[0])).toEqual(['read: unknown argument content', 'block 1: unterminated string']);
    expect(await m.registry.metrics()).toMatch(/tooltune_tool_calls_total\{result="invalid"\} 2/);
  });
});

describe('splitGenerated', () => {
  it('shows text outside blocks, holds back a possible start tag, and lists closed blocks', () => {
    expect(splitGenerated('Sure <tool_')).toEqual({ content: 'Sure ', blocks: [] });
    expect(splitGenerated("Sure <tool_use>read(file_path='a')")).toEqual({ content: 'Sure ', blocks: [] });
    expect(splitGenerated("Sure <tool_use>read(file_path='a')</tool_use> done <")).toEqual({ content: 'Sure  done ', blocks: ["read(file_path='a')"] });
    expect(splitGenerated('a < b')).toEqual({ content: 'a < b', blocks: [] });
    expect(contentOutsideBlocks("<tool_use>x()</tool_use>\n<tool_use>y(")).toBe('');
  });
});

describe('Slots', () => {
  it('runs `batch` at once, queues up to the limit, refuses beyond, and hands slots on in order', async () => {
    const slots = new Slots(1, 1);
    const first = await slots.acquire();
    const order: string[] = [];
    const second = slots.acquire().then((release) => {
      order.push('second');
      return release;
    });
    await expect(slots.acquire()).rejects.toBeInstanceOf(QueueFullError);
    expect(slots.depth).toEqual({ running: 1, queued: 1 });
    first();
    (await second)();
    expect(order).toEqual(['second']);
    expect(slots.depth).toEqual({ running: 0, queued: 0 });
  });

  it('drops a waiting request whose client went away', async () => {
    const slots = new Slots(1, 4);
    const first = await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(slots.depth.queued).toBe(0);
    first();
  });
});

describe('serving settings', () => {
  it('fills the guide\'s production defaults and names a bad key', () => {
    expect(resolveServingConfig(undefined)).toMatchObject({ max_tokens: 150, temperature: 0.1, batch: 4, constrained: true, alert_threshold: 0.9 });
    expect(resolveServingConfig({ batch: 2 }, { batch: 8 }).batch).toBe(8);
    expect(() => resolveServingConfig({ batch: 0 })).toThrow(ServingConfigError);
    expect(() => resolveServingConfig({ batch: 0 })).toThrow(/serving\.batch/);
    expect(() => resolveServingConfig({ colour: 'red' })).toThrow(/serving\.colour/);
  });
});
