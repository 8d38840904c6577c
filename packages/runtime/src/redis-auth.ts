import { ConfigError, type RedisConfig } from './config';
import { createRedis } from './redis';

/**
 * Whether this Redis answers a client that brings no credentials. Asked with a throwaway client that
 * leaves out REDIS_PASSWORD and the URL's user and password: a PONG means anyone who reaches the
 * port can read the limits and presence and publish to every room. A Redis that is down counts as
 * unknown (undefined): the services start and fall back as they do for any Redis outage.
 */
export async function redisAcceptsAnonymous(c: RedisConfig, timeoutMs = 3000): Promise<boolean | undefined> {
  const url = new URL(c.REDIS_URL);
  url.username = '';
  url.password = '';
  const sentinels = Boolean(c.REDIS_SENTINELS?.length);
  const probe = createRedis(
    { ...c, REDIS_URL: url.toString(), REDIS_PASSWORD: undefined },
    {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: timeoutMs,
      // Through Sentinel: the Sentinels keep their password (the question is the master's), and the
      // probe asks them once. ioredis retries Sentinels forever by default, which hung start-up
      // before the first log line when no Sentinel answered this anonymous probe.
      ...(sentinels ? { sentinelRetryStrategy: () => null, ...(c.REDIS_PASSWORD ? { sentinelPassword: c.REDIS_PASSWORD } : {}) } : {}),
    },
  );
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/NOAUTH|WRONGPASS|Authentication required|NOPERM/i.test(message)) return false;
    return undefined;
  } finally {
    probe.disconnect();
  }
}

/**
 * In production, refuse a Redis without authentication unless REDIS_ALLOW_NO_AUTH=true: a chart or
 * environment that forgot the password must fail at start, loudly, not run open.
 */
export async function assertRedisAuthenticated(c: RedisConfig): Promise<void> {
  if (c.NODE_ENV !== 'production' || c.REDIS_ALLOW_NO_AUTH) return;
  if ((await redisAcceptsAnonymous(c)) !== true) return;
  const where = c.REDIS_SENTINELS?.length ? `the Sentinel master "${c.REDIS_MASTER_NAME}"` : new URL(c.REDIS_URL).host;
  throw new ConfigError([
    `REDIS_PASSWORD: Redis at ${where} accepts commands without a password, and NODE_ENV=production refuses that. ` +
      'Give Redis a password (requirepass or an ACL user) and pass it in REDIS_PASSWORD from a Secret, ' +
      'or set REDIS_ALLOW_NO_AUTH=true if an unauthenticated Redis is intended.',
  ]);
}
