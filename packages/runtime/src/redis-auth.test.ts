import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { redisAcceptsAnonymous } from './redis-auth';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('through Sentinels that do not answer, the anonymous probe ends (unknown) instead of hanging start-up', async () => {
  const port = await closedPort();
  const t0 = Date.now();
  const r = await Promise.race([
    redisAcceptsAnonymous({ REDIS_URL: 'redis://unused:6379', REDIS_SENTINELS: [`127.0.0.1:${port}`], REDIS_MASTER_NAME: 'converge', REDIS_PASSWORD: 'pw' }, 1000),
    new Promise((r) => setTimeout(() => r('hung'), 8000)),
  ]);
  assert.equal(r, undefined, 'unknown, as for any Redis outage');
  assert.ok(Date.now() - t0 < 8000);
});

test('a plain Redis without a password is reported as accepting anonymous clients', async () => {
  // The machine's Redis on :6379 runs without a password in this harness, so it answers PONG: true.
  const r = await redisAcceptsAnonymous({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_MASTER_NAME: 'mymaster' }, 1000);
  assert.equal(r, true);
});
