import type Redis from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@converge/protocol';

export interface SearchLimits {
  /** Sustained searches per second per user. */
  perSecond: number;
  /** How many may go at once after a quiet period (type-ahead sends one per keystroke). */
  burst: number;
  keyPrefix: string;
}

/** How long the extra burst allowance takes to come back. */
const BURST_WINDOW_S = 10;

/**
 * `GET /users?search` per user across pods, in Redis (a prefix scan of the users table is the most
 * costly read the service serves): `perSecond`, plus a reserve of `burst - perSecond` refilled over
 * ten seconds. While Redis is down each pod counts in memory instead (the insurance limiters).
 */
export class RedisSearchLimiter {
  private readonly limiter: BurstyRateLimiter | RateLimiterRedis;

  constructor(redis: Redis, limits: SearchLimits) {
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:local`, points, duration }),
      });
    const main = limiter(`${limits.keyPrefix}search`, limits.perSecond, 1);
    const extra = limits.burst - limits.perSecond;
    this.limiter = extra > 0 ? new BurstyRateLimiter(main, limiter(`${limits.keyPrefix}search_burst`, extra, BURST_WINDOW_S)) : main;
  }

  /** Resolves when the user may search now; throws RATE_LIMITED with Retry-After otherwise. */
  async consume(userId: string): Promise<void> {
    try {
      await this.limiter.consume(userId);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfterMs = Math.max(1, Math.ceil(e.msBeforeNext));
      throw new AppError('RATE_LIMITED', 'too many searches; slow down', { retryAfterMs, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }, retryAfterMs / 1000);
    }
  }
}
