import type { Redis } from '@converge/runtime';
import type { Logger } from '@converge/runtime';

// One sorted set per user: member `<connection id>`, score the time it stops counting unless its pod
// refreshes it. A crashed pod's connections fall out after the TTL instead of holding slots forever.
const ACQUIRE_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

type WithAcquire = Redis & { gqlWsAcquire(key: string, ...args: (string | number)[]): Promise<number> };

/**
 * The per-user cap on graphql-ws connections over every pod (MAX_GRAPHQL_WS_PER_USER). A slot is
 * taken atomically in Redis before the connection is acknowledged; while Redis is unreachable the
 * cap still holds per pod, so an outage never lifts it altogether.
 */
export class GraphQLWsSlots {
  /** connection id → user, for the heartbeat and the per-pod fallback. */
  private readonly held = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly cap: number,
    private readonly ttlMs = 30_000,
  ) {
    this.redis.defineCommand('gqlWsAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
  }

  private key(userId: string): string {
    return `chat:gqlws:${userId}`;
  }

  private localCount(userId: string): number {
    let n = 0;
    for (const u of this.held.values()) if (u === userId) n++;
    return n;
  }

  /** True when the user had a free slot (now taken by `connId`). */
  async acquire(userId: string, connId: string): Promise<boolean> {
    const now = Date.now();
    let ok: boolean;
    try {
      ok = (await (this.redis as WithAcquire).gqlWsAcquire(this.key(userId), connId, now, now + this.ttlMs, this.cap, this.ttlMs)) === 1;
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'graphql-ws slot check fell back to this pod');
      ok = this.localCount(userId) < this.cap;
    }
    if (ok) this.held.set(connId, userId);
    return ok;
  }

  async release(connId: string): Promise<void> {
    const userId = this.held.get(connId);
    if (userId === undefined) return;
    this.held.delete(connId);
    await this.redis.zrem(this.key(userId), connId).catch(() => undefined);
  }

  /** Refreshes this pod's slots every third of the TTL. */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh(), Math.max(1000, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    if (!this.held.size) return;
    const until = Date.now() + this.ttlMs;
    const p = this.redis.pipeline();
    for (const [connId, userId] of this.held) {
      p.zadd(this.key(userId), 'XX', until, connId);
      p.pexpire(this.key(userId), this.ttlMs);
    }
    await p.exec().catch(() => undefined);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
