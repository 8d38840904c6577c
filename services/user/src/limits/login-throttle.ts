import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@converge/protocol';
import type { LoginThrottle } from '../domain/ports';

export interface ThrottleSettings {
  /** Login attempts per username+IP before 429 (a success forgets them). */
  loginFailures: number;
  /** Login attempts per IP across every username (password spraying); a success gives its attempt back. */
  ipFailures: number;
  /** Login attempts per username across every IP (distributed guessing): a lock for the rest of the window. */
  accountFailures: number;
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
  return new AppError('RATE_LIMITED', `too many ${what}; try again later`, undefined, Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
}

/** Gives a point back; a failure here only makes the limit a little stricter, never looser. */
async function giveBack(l: RateLimiterRedis, key: string): Promise<void> {
  await l.reward(key, 1).catch(() => undefined);
}

/**
 * Login and registration limits on Redis, shared by every pod (rate-limiter-flexible).
 *
 * An attempt is paid for before its password is checked, with one atomic `consume` per budget, so
 * parallel requests cannot all slip past a counter that is read first and written after argon2.
 * Unknown usernames pay exactly like known ones: that bounds the dummy-hash work they cause.
 */
export class RedisLoginThrottle implements LoginThrottle {
  private readonly pair: RateLimiterRedis;
  private readonly ip: RateLimiterRedis;
  private readonly account: RateLimiterRedis;
  private readonly registrations: RateLimiterRedis;

  constructor(redis: Redis, s: ThrottleSettings) {
    this.pair = limiter(redis, `${s.keyPrefix}login_fail`, s.loginFailures, s.loginWindowSeconds);
    this.ip = limiter(redis, `${s.keyPrefix}login_ip`, s.ipFailures, s.loginWindowSeconds);
    this.account = limiter(redis, `${s.keyPrefix}login_account`, s.accountFailures, s.loginWindowSeconds);
    this.registrations = limiter(redis, `${s.keyPrefix}register_ip`, s.registrations, s.registrationWindowSeconds);
  }

  private static pairKey(username: string, ip: string): string {
    return `${username}|${ip}`;
  }

  async reserve(username: string, ip: string): Promise<void> {
    const pairKey = RedisLoginThrottle.pairKey(username, ip);
    // In this order, each refusal gives back what it took: an address past its cap cannot keep
    // spending other accounts' budgets (locking them out) with requests that are refused anyway.
    const steps: Array<[RateLimiterRedis, string, string]> = [
      [this.pair, pairKey, 'failed logins'],
      [this.ip, ip, 'failed logins from this address'],
      [this.account, username, 'failed logins for this account'],
    ];
    const taken: Array<[RateLimiterRedis, string]> = [];
    for (const [l, key, what] of steps) {
      try {
        await l.consume(key);
        taken.push([l, key]);
      } catch (e) {
        await Promise.all(taken.slice(1).map(([tl, tk]) => giveBack(tl, tk)));
        // The username+IP attempt is not given back: repeating a refused pair must stay refused.
        if (e instanceof RateLimiterRes) throw rateLimited(e, what);
        throw e;
      }
    }
  }

  async succeeded(username: string, ip: string): Promise<void> {
    await Promise.all([
      this.pair.delete(RedisLoginThrottle.pairKey(username, ip)).catch(() => undefined),
      giveBack(this.ip, ip),
      giveBack(this.account, username),
    ]);
  }

  async refund(username: string, ip: string): Promise<void> {
    await Promise.all([
      giveBack(this.pair, RedisLoginThrottle.pairKey(username, ip)),
      giveBack(this.ip, ip),
      giveBack(this.account, username),
    ]);
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
