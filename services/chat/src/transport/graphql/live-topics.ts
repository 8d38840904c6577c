/**
 * Which GraphQL topics have a listener on some other pod, as this pod last heard: each pod
 * announces the topics it listens to (on the first listener, and again every `refreshMs`), each
 * announcement good for `ttlMs`. Pure: the bus does the Redis part. A topic nobody listens to
 * anywhere costs no publish.
 *
 * The bound: a new listener on another pod hears the events published after its announcement
 * reached this pod (one Redis pub/sub hop, like the SUBSCRIBE of its topic channel itself); a pod
 * that missed announcements (its subscriber connection was down, or it just started) reads them all
 * from Redis at once on (re)connect and every `refreshMs`. A topic stays live here up to `ttlMs`
 * after its last listener left (a few publishes nobody hears), or after its pod died.
 */
export class LiveTopics {
  private readonly until = new Map<string, number>();

  constructor(readonly ttlMs: number) {}

  /** An announcement heard, or read back from Redis with the time it is good until. */
  heard(topic: string, until: number): void {
    if (until > (this.until.get(topic) ?? 0)) this.until.set(topic, until);
  }

  /** Replaces what is known by a full read of the announcements (drops what expired meanwhile). */
  replaceAll(entries: Iterable<[string, number]>, now: number): void {
    const fresh = new Map<string, number>();
    for (const [topic, until] of entries) if (until > now) fresh.set(topic, Math.max(until, fresh.get(topic) ?? 0));
    // Announcements heard after the read was sent are kept too.
    for (const [topic, until] of this.until) if (until > now && until > (fresh.get(topic) ?? 0)) fresh.set(topic, until);
    this.until.clear();
    for (const [t, u] of fresh) this.until.set(t, u);
  }

  isLive(topic: string, now: number): boolean {
    const until = this.until.get(topic);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(topic);
    return false;
  }
}
