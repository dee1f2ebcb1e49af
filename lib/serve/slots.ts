// Admission control: at most `batch` generations at once, at most `queueLimit` waiting; a request
// beyond that is turned away at once (429) rather than queued without bound.

// Thrown when the queue is full.
export class QueueFullError extends Error {}

// A counting semaphore with a bounded FIFO queue; waiting requests leave the queue when their signal aborts.
export class Slots {
  private running = 0;
  private readonly waiting: { grant: () => void; fail: (err: unknown) => void }[] = [];

  constructor(private readonly batch: number, private readonly queueLimit: number) {}

  // Requests generating now and requests waiting.
  get depth(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  // Waits for a slot; the returned function gives it back (call it exactly once).
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.running < this.batch) {
      this.running += 1;
      return this.releaser();
    }
    if (this.waiting.length >= this.queueLimit) throw new QueueFullError(`the server is busy: ${this.running} requests running and ${this.waiting.length} queued`);
    await new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant(); // the slot passes straight to the next request
      else this.running -= 1;
    };
  }
}
