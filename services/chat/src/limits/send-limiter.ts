import type Redis from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@converge/protocol';
import type { SendLimiter } from '../domain/ports';

export interface SendLimits {
  /** Sustained sends per second per user. */
  perSecond: number;
  /** How many may go at once after a quiet period. */
  burst: number;
}

/** How long the extra burst allowance takes to come back. */
const BURST_WINDOW_S = 10;

/**
 * message:send per user across pods, in Redis: `perSecond` every second, and on top of it a
 * reserve of `burst - perSecond` that refills over ten seconds (rate-limiter-flexible's bursty
 * limiter: a token bucket in effect). While Redis is down each pod counts in memory instead
 * (the insurance limiters): a per-pod limit, neither refusing every send nor waving all through.
 */
export class RedisSendLimiter implements SendLimiter {
  private readonly limiter: BurstyRateLimiter | RateLimiterRedis;

  constructor(redis: Redis, limits: SendLimits) {
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration,
        // Fail over at once instead of waiting for a reconnect (the client has no offline queue either).
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:local`, points, duration }),
      });
    const main = limiter('chat:rl:send', limits.perSecond, 1);
    const extra = limits.burst - limits.perSecond;
    this.limiter = extra > 0 ? new BurstyRateLimiter(main, limiter('chat:rl:send-burst', extra, BURST_WINDOW_S)) : main;
  }

  async consume(userId: string): Promise<void> {
    try {
      await this.limiter.consume(userId);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfterMs = Math.max(1, Math.ceil(e.msBeforeNext));
      throw new AppError('RATE_LIMITED', 'too many messages; slow down', { retryAfterMs }, retryAfterMs / 1000);
    }
  }
}
