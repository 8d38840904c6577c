import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@converge/protocol';
import type { LoginThrottle } from '../domain/ports';

export interface ThrottleSettings {
  /** Failed logins per username+IP before 429. */
  loginFailures: number;
  loginWindowSeconds: number;
  /** Registrations per IP per window. */
  registrations: number;
  registrationWindowSeconds: number;
  keyPrefix: string;
}

function limiter(redis: Redis, keyPrefix: string, points: number, duration: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    // Redis down: fall back to this pod's own counters rather than refuse logins or stop throttling.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
}

function rateLimited(res: RateLimiterRes, what: string): AppError {
  return new AppError('RATE_LIMITED', `too many ${what}; try again later`, undefined, Math.ceil(res.msBeforeNext / 1000));
}

/** Login and registration limits on Redis, shared by every pod (rate-limiter-flexible). */
export class RedisLoginThrottle implements LoginThrottle {
  private readonly failures: RateLimiterRedis;
  private readonly registrations: RateLimiterRedis;

  constructor(redis: Redis, private readonly s: ThrottleSettings) {
    this.failures = limiter(redis, `${s.keyPrefix}login_fail`, s.loginFailures, s.loginWindowSeconds);
    this.registrations = limiter(redis, `${s.keyPrefix}register_ip`, s.registrations, s.registrationWindowSeconds);
  }

  private key(username: string, ip: string): string {
    return `${username}|${ip}`;
  }

  async check(username: string, ip: string): Promise<void> {
    const res = await this.failures.get(this.key(username, ip));
    if (res && res.consumedPoints >= this.s.loginFailures) throw rateLimited(res, 'failed logins');
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    // A rejection here only means the limit is now reached; the next attempt's check() answers 429.
    await this.failures.consume(this.key(username, ip)).catch((e: unknown) => {
      if (!(e instanceof RateLimiterRes)) throw e;
    });
  }

  async reset(username: string, ip: string): Promise<void> {
    await this.failures.delete(this.key(username, ip));
  }

  async consumeRegistration(ip: string): Promise<void> {
    try {
      await this.registrations.consume(ip);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw rateLimited(e, 'registrations from this address');
      throw e;
    }
  }
}
