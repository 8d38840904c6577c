import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { baseConfigShape, ConfigError, databaseUrl, parseConfig, redisConfigShape } from './config';

const schema = z.object({ ...baseConfigShape(3000, 'svc'), ...redisConfigShape, NEEDED: z.string().min(1) });

test('a missing or bad variable stops start-up with a message naming it', () => {
  assert.throws(
    () => parseConfig(schema, { PORT: 'eighty' }),
    (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message) && /NEEDED/.test(e.message),
  );
});

test('defaults fill what is unset and numbers are parsed', () => {
  const c = parseConfig(schema, { NEEDED: 'x', PORT: '8080', REDIS_SENTINELS: 'a:26379, b:26379' });
  assert.equal(c.PORT, 8080);
  assert.equal(c.HOST, '0.0.0.0');
  assert.equal(c.SHUTDOWN_TIMEOUT_MS, 25000);
  assert.equal(c.TRUST_PROXY, '127.0.0.1, ::1', 'only this host may set X-Forwarded-For by default');
  assert.equal(c.METRICS_PORT, 9464);
  assert.equal(c.HSTS_MAX_AGE_SECONDS, 0);
  assert.deepEqual(c.REDIS_SENTINELS, ['a:26379', 'b:26379']);
  assert.throws(() => parseConfig(schema, { NEEDED: 'x', REDIS_SENTINELS: 'nohost' }), /REDIS_SENTINELS/);
});

test('the database password from a Secret is put into the URL', () => {
  assert.equal(
    databaseUrl({ DATABASE_URL: 'postgres://app@db:5432/x', DATABASE_PASSWORD: 'p@ss word' }),
    'postgres://app:p%40ss%20word@db:5432/x',
  );
  assert.equal(databaseUrl({ DATABASE_URL: 'postgres://app@db:5432/x' }), 'postgres://app@db:5432/x');
});
