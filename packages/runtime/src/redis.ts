import Redis, { type RedisOptions } from 'ioredis';
import type { RedisConfig } from './config';

/**
 * ioredis options for either a plain Redis (REDIS_URL) or a Sentinel-managed master
 * (REDIS_SENTINELS + REDIS_MASTER_NAME). Kept apart so failover settings live in one place.
 */
export function redisOptions(c: RedisConfig, extra: RedisOptions = {}): RedisOptions {
  const common: RedisOptions = {
    // Commands wait for a reconnect instead of failing at once, but not forever: a caller must hear
    // "unavailable" within a bounded time rather than hang.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...(c.REDIS_PASSWORD ? { password: c.REDIS_PASSWORD } : {}),
    ...extra,
  };
  if (c.REDIS_SENTINELS?.length) {
    return {
      ...common,
      sentinels: c.REDIS_SENTINELS.map((hp) => {
        const [host, port] = hp.split(':');
        return { host: host ?? '127.0.0.1', port: Number(port) };
      }),
      name: c.REDIS_MASTER_NAME,
      // After a failover the old master may come back as a replica; reconnect on READONLY.
      reconnectOnError: (err) => err.message.startsWith('READONLY'),
      ...(c.REDIS_PASSWORD ? { sentinelPassword: c.REDIS_PASSWORD } : {}),
    };
  }
  const u = new URL(c.REDIS_URL);
  return {
    ...common,
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.password && !c.REDIS_PASSWORD ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  };
}

export function createRedis(c: RedisConfig, extra: RedisOptions = {}): Redis {
  return new Redis(redisOptions(c, extra));
}

export { Redis };
