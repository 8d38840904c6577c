import type Redis from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@converge/protocol';
import type { ActionLimiter, LimitedAction } from '../domain/ports';
import type { Limit, LimitsTable } from './limits.table';

/** How many durations the extra burst allowance takes to come back. */
const BURST_REFILL_DURATIONS = 10;

/** Redis key prefixes; `message:send` keeps the one it always had, so a rolling update keeps counting. */
const keyPrefix = (action: LimitedAction) => (action === 'message:send' ? 'chat:rl:send' : `chat:rl:${action}`);

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
 */
export class RedisRateLimits implements ActionLimiter {
  private readonly limiters: Map<LimitedAction, BurstyRateLimiter | RateLimiterRedis>;

  constructor(redis: Redis, table: LimitsTable) {
    this.limiters = new Map(Object.entries(table).map(([a, l]) => [a as LimitedAction, build(redis, a as LimitedAction, l)]));
  }

  async consume(action: LimitedAction, userId: string): Promise<void> {
    const limiter = this.limiters.get(action);
    if (!limiter) throw new Error(`no limit for ${action}`);
    try {
      await limiter.consume(userId);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfterMs = Math.max(1, Math.ceil(e.msBeforeNext));
      const retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
      const message = MESSAGES[action] ?? `too many ${action} requests; slow down`;
      throw new AppError('RATE_LIMITED', message, { retryAfterMs, retryAfterSeconds }, retryAfterMs / 1000);
    }
  }
}
