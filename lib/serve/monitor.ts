// Monitoring of a serving process: Prometheus metrics (prom-client, on a registry of the server's own),
// a JSONL log of failed tool calls, and a rolling tool-call validity that logs an alert below the threshold.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

// One generated answer, as the monitor sees it.
export interface Outcome {
  requestId: string;
  request: string;
  output: string;
  latencySeconds: number;
  newTokens: number;
  decodeSeconds: number;
  // Blocks written, and the errors of those that did not parse or validate.
  toolCalls: number;
  errors: string[];
}

// Metrics, the failed-calls log and the validity alert of one server.
export class Monitor {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'tooltune_requests_total', help: 'Chat completion requests by HTTP status', labelNames: ['status'], registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'tooltune_request_duration_seconds', help: 'Time from request to last token', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60], registers: [this.registry] });
  private readonly tokensPerSecond = new Gauge({ name: 'tooltune_decode_tokens_per_second', help: 'Decode speed of the last answer', registers: [this.registry] });
  private readonly calls = new Counter({ name: 'tooltune_tool_calls_total', help: 'Tool calls by result', labelNames: ['result'], registers: [this.registry] });
  private readonly validity = new Gauge({ name: 'tooltune_tool_call_validity', help: 'Share of valid tool calls over the rolling window', registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'tooltune_queue_depth', help: 'Requests waiting for a slot', registers: [this.registry] });
  readonly running = new Gauge({ name: 'tooltune_running_requests', help: 'Requests generating now', registers: [this.registry] });
  private readonly window: boolean[] = [];
  private alerting = false;
  private log: WriteStream | null = null;

  constructor(private readonly opts: { threshold: number; window: number; failedCallsLog: string | null; warn: (message: string) => void }) {}

  // Counts a finished HTTP request.
  countRequest(status: number): void {
    this.requests.inc({ status: String(status) });
  }

  // Records an answer: latency, speed, each tool call's validity; logs failed calls; alerts on low validity.
  record(o: Outcome): void {
    this.latency.observe(o.latencySeconds);
    if (o.decodeSeconds > 0 && o.newTokens > 1) this.tokensPerSecond.set((o.newTokens - 1) / o.decodeSeconds);
    const invalid = Math.min(o.errors.length, o.toolCalls);
    for (let i = 0; i < o.toolCalls; i++) this.push(i >= invalid);
    if (invalid > 0) this.calls.inc({ result: 'invalid' }, invalid);
    if (o.toolCalls - invalid > 0) this.calls.inc({ result: 'valid' }, o.toolCalls - invalid);
    if (o.errors.length > 0) this.writeFailed(o);
  }

  // The rolling validity, or null before any tool call.
  currentValidity(): number | null {
    return this.window.length ? this.window.filter(Boolean).length / this.window.length : null;
  }

  // Closes the failed-calls log.
  async close(): Promise<void> {
    const log = this.log;
    this.log = null;
    if (log) await new Promise<void>((resolve) => log.end(resolve));
  }

  private push(valid: boolean): void {
    this.window.push(valid);
    if (this.window.length > this.opts.window) this.window.shift();
    const share = this.currentValidity() as number;
    this.validity.set(share);
    // A handful of calls says little: alert once the window holds enough of them (20, or the whole window).
    const low = share < this.opts.threshold && this.window.length >= Math.min(20, this.opts.window);
    if (low && !this.alerting) this.opts.warn(`ALERT tool-call validity ${(share * 100).toFixed(1)} % is below ${(this.opts.threshold * 100).toFixed(0)} % over the last ${this.window.length} calls`);
    if (!low && this.alerting) this.opts.warn(`tool-call validity back to ${(share * 100).toFixed(1)} %`);
    this.alerting = low;
  }

  private writeFailed(o: Outcome): void {
    if (!this.opts.failedCallsLog) return;
    if (!this.log) {
      mkdirSync(path.dirname(this.opts.failedCallsLog), { recursive: true });
      this.log = createWriteStream(this.opts.failedCallsLog, { flags: 'a' });
    }
    this.log.write(`${JSON.stringify({ time: new Date().toISOString(), request_id: o.requestId, request: o.request, output: o.output, errors: o.errors })}\n`);
  }
}
