/** When a batch goes: at once when nothing is in flight, when full, or when its oldest entry waited `maxWaitMs`. */
export interface BatcherOptions {
  /** Most entries in one flush. */
  maxSize: number;
  /** Longest an entry waits for a flush in flight before it goes on its own flush (the added latency bound). */
  maxWaitMs: number;
  /**
   * Most flushes under way at once (default: no bound). At the bound, entries wait for the next
   * flush to answer and go with it, in a bigger batch, instead of queueing for a pool connection.
   */
  maxInFlight?: number;
  /** Told of each flush once it answered: its entries and how long it took (for the batch metrics). */
  onFlush?: (size: number, seconds: number) => void;
}

interface Pending<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

/**
 * "Natural" group commit, apart from any I/O: `flush` stores a batch and answers one result per
 * entry, in order. An entry that arrives while no flush is in flight goes at once (next turn of the
 * event loop, which only gathers what arrived in the same turn: no timer, no added latency when
 * there is no concurrency). Entries that arrive while a flush is in flight wait for one to finish
 * and then go together, or go earlier when `maxSize` of them are waiting or the oldest has waited
 * `maxWaitMs` (unless `maxInFlight` flushes are under way: then they go with the next answer). Each entry's promise settles with its own batch: a caller hears back only after the
 * flush that carried its entry (its commit) answered. A rejected flush rejects each of its
 * entries; an entry's own failure (a rejected settled result) rejects only that entry.
 */
export class SendBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    /** One settled result per entry, in order: an entry's own failure rejects only that entry. */
    private readonly flush: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly o: BatcherOptions,
  ) {
    if (!Number.isInteger(o.maxSize) || o.maxSize < 1) throw new Error('SendBatcher: maxSize must be an integer >= 1');
    if (!(o.maxWaitMs >= 0)) throw new Error('SendBatcher: maxWaitMs must be >= 0');
    if (o.maxInFlight !== undefined && !(Number.isInteger(o.maxInFlight) && o.maxInFlight >= 1)) {
      throw new Error('SendBatcher: maxInFlight must be an integer >= 1');
    }
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.o.maxSize) this.go();
      else if (this.inFlight === 0) this.immediate ??= setImmediate(() => this.go());
      else this.timer ??= setTimeout(() => this.go(), this.o.maxWaitMs);
    });
  }

  /** Entries waiting for a flush, and flushes under way (for tests and metrics). */
  get state(): { queued: number; inFlight: number } {
    return { queued: this.queue.length, inFlight: this.inFlight };
  }

  private go(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    const most = this.o.maxInFlight ?? Infinity;
    while (this.queue.length && this.inFlight < most) {
      const batch = this.queue.splice(0, this.o.maxSize);
      void this.run(batch);
    }
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    this.inFlight++;
    const started = performance.now();
    try {
      let out: PromiseSettledResult<O>[];
      try {
        out = await this.flush(batch.map((p) => p.item));
        if (out.length !== batch.length) throw new Error(`SendBatcher: flush answered ${out.length} results for ${batch.length} entries`);
      } catch (e) {
        for (const p of batch) p.reject(e);
        return;
      }
      batch.forEach((p, i) => {
        const r = out[i] as PromiseSettledResult<O>;
        if (r.status === 'fulfilled') p.resolve(r.value);
        else p.reject(r.reason);
      });
    } finally {
      this.o.onFlush?.(batch.length, (performance.now() - started) / 1000);
      this.inFlight--;
      // What gathered while this flush was in flight goes now, together.
      if (this.queue.length) this.go();
    }
  }
}
