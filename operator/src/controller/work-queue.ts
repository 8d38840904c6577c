/**
 * A work queue keyed by object: adding a key that is queued or running only marks it dirty, so one key
 * never has two workers and the newest world is always reconciled after the current pass (client-go's
 * workqueue semantics). `after` requeues a key later (the health poll and periodic resync).
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private active = 0;
  private stopped = false;

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly concurrency = 4,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.queued.add(key);
    this.pump();
  }

  after(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  /** Stops taking work and waits for the passes in flight (a drain). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queued.clear();
    while (this.active > 0) await new Promise((r) => setTimeout(r, 20));
  }

  get size(): number {
    return this.queued.size;
  }

  private pump(): void {
    while (!this.stopped && this.active < this.concurrency) {
      const key = this.queued.values().next().value as string | undefined;
      if (key === undefined) return;
      this.queued.delete(key);
      this.running.add(key);
      this.active++;
      void this.work(key)
        .catch(() => undefined) // the worker logs and requeues its own failures
        .finally(() => {
          this.running.delete(key);
          this.active--;
          if (this.dirty.delete(key)) this.queued.add(key);
          this.pump();
        });
    }
  }
}
