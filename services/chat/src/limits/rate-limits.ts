import type Redis from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@converge/protocol';
import type { ActionLimiter, LimitedAction } from '../domain/ports';
import type { Limit, LimitsTable } from './limits.table';
import { type Lease, leaseAfter, pointsToTake, spendLeased } from './token-lease';

/** How many durations the extra burst allowance takes to come back. */
const BURST_REFILL_DURATIONS = 10;

/** Redis key prefixes; `message:send` keeps the one it always had, so a rolling update keeps counting. */
const keyPrefix = (action: LimitedAction) => (action === 'message:send' ? 'chat:rl:send' : `chat:rl:${action}`);

/** Users x actions with a lease kept at most (a lease lives one window: a second for sends). */
const MAX_LEASES = 50_000;

const MESSAGES: Partial<Record<LimitedAction, string>> = { 'message:send': 'too many messages; slow down' };

function build(redis: Redis, action: LimitedAction, l: Limit): BurstyRateLimiter | RateLimiterRedis {
  const limiter = (prefix: string, points: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: prefix,
      points,
      duration,
      // Fail over at once instead of waiting for a reconnect (the client has no offline queue either).
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}:local`, points, duration }),
    });
  const main = limiter(keyPrefix(action), l.points, l.durationSeconds);
  const extra = l.burst - l.points;
  return extra > 0 ? new BurstyRateLimiter(main, limiter(`${keyPrefix(action)}-burst`, extra, l.durationSeconds * BURST_REFILL_DURATIONS)) : main;
}

/**
 * Every row of the limits table per user across pods, in Redis: `points` per duration and on top
 * of it a reserve of `burst - points` that refills over ten durations (rate-limiter-flexible's
 * bursty limiter: a token bucket in effect). While Redis is down each pod counts in memory instead
 * (the insurance limiters): a per-pod limit, neither refusing everything nor waving all through.
 * Over a limit: RATE_LIMITED with the wait in `details` (ms and whole seconds) and as Retry-After.
 * While a user's bucket is far from empty a pod takes points ahead (a lease, token-lease.ts) and
 * admits the next sends without a Redis round trip: never above the limit, refused early by at most
 * MAX_LEASE - 1 points per pod and window.
 */
export class RedisRateLimits implements ActionLimiter {
  private readonly limiters: Map<LimitedAction, BurstyRateLimiter | RateLimiterRedis>;
  /** This pod's leased points per action and user (token-lease.ts): most sends spend one without a Redis round trip. */
  private readonly leases = new Map<string, Lease>();
  /** An ask to Redis under way per action and user: the same user's next sends wait for its lease instead of asking too. */
  private readonly asking = new Map<string, Promise<unknown>>();

  constructor(
    redis: Redis,
    table: LimitsTable,
    private readonly now: () => number = Date.now,
  ) {
    this.limiters = new Map(Object.entries(table).map(([a, l]) => [a as LimitedAction, build(redis, a as LimitedAction, l)]));
  }

  async consume(action: LimitedAction, userId: string): Promise<void> {
    const limiter = this.limiters.get(action);
    if (!limiter) throw new Error(`no limit for ${action}`);
    const key = `${action}\n${userId}`;
    for (;;) {
      if (spendLeased(this.leases.get(key), this.now())) return;
      const under = this.asking.get(key);
      if (!under) break;
      await under.catch(() => undefined);
    }
    const ask = this.ask(limiter, action, userId, key);
    this.asking.set(key, ask);
    try {
      await ask;
    } finally {
      this.asking.delete(key);
    }
  }

  private async ask(limiter: BurstyRateLimiter | RateLimiterRedis, action: LimitedAction, userId: string, key: string): Promise<void> {
    const now = this.now();
    const take = pointsToTake(this.leases.get(key), now);
    try {
      const res = await limiter.consume(userId, take);
      this.keep(key, leaseAfter(take, res.remainingPoints, res.msBeforeNext, now));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      this.keep(key, leaseAfter(1, 0, e.msBeforeNext, now));
      const retryAfterMs = Math.max(1, Math.ceil(e.msBeforeNext));
      const retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
      const message = MESSAGES[action] ?? `too many ${action} requests; slow down`;
      throw new AppError('RATE_LIMITED', message, { retryAfterMs, retryAfterSeconds }, retryAfterMs / 1000);
    }
  }

  private keep(key: string, lease: Lease): void {
    // Bounded: once there are many, the leases of ended windows go (they are worth nothing).
    if (this.leases.size >= MAX_LEASES && !this.leases.has(key)) {
      const now = this.now();
      for (const [k, l] of this.leases) if (now >= l.until) this.leases.delete(k);
      if (this.leases.size >= MAX_LEASES) this.leases.clear();
    }
    this.leases.set(key, lease);
  }
}
