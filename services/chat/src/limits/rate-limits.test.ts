import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Redis from 'ioredis';
import { startRedisServer, type TestServer } from '@converge/testing';
import { DEFAULT_LIMITS, type LimitsTable } from './limits.table';
import { RedisRateLimits } from './rate-limits';
import { MAX_LEASE } from './token-lease';

let server: TestServer;
let redis: Redis;
before(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { enableOfflineQueue: false, lazyConnect: true });
  await redis.connect();
});
after(async () => {
  redis.disconnect();
  await server.stop();
});

const table = (points: number, durationSeconds: number): LimitsTable => ({
  ...DEFAULT_LIMITS,
  'message:send': { points, durationSeconds, burst: points },
});

async function commandsProcessed(): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1]);
}

async function admitted(pods: RedisRateLimits[], user: string, tries: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < tries; i++) {
    await (pods[i % pods.length] as RedisRateLimits).consume('message:send', user).then(
      () => ok++,
      (e: { code?: string }) => assert.equal(e.code, 'RATE_LIMITED'),
    );
  }
  return ok;
}

test('far from its limit a user costs Redis a fraction of a round trip per send', async () => {
  // What one ask costs (near its limit every send asks: no lease).
  const near = new RedisRateLimits(redis, table(4, 10));
  let before = await commandsProcessed();
  assert.equal(await admitted([near], 'light-sender', 4), 4);
  const perAsk = ((await commandsProcessed()) - before - 1) / 4;
  const limits = new RedisRateLimits(redis, table(100_000, 10));
  before = await commandsProcessed();
  assert.equal(await admitted([limits], 'heavy-sender', 1000), 1000);
  const commands = (await commandsProcessed()) - before - 1;
  assert.ok(commands < (1000 * perAsk) / 10, `${commands} Redis commands for 1000 sends (${perAsk} per ask)`);
});

test('two pods sharing one budget never admit above it, and refuse early by less than a lease each', async () => {
  const pods = [new RedisRateLimits(redis, table(100, 10)), new RedisRateLimits(redis, table(100, 10))];
  const ok = await admitted(pods, 'two-pod-user', 400);
  assert.ok(ok <= 100, `never above the limit: ${ok}`);
  assert.ok(ok >= 100 - 2 * (MAX_LEASE - 1), `refused early by at most a lease per pod: ${ok}`);
});

test("a user's concurrent sends on one pod wait for one ask instead of each taking a lease", async () => {
  const limits = new RedisRateLimits(redis, table(20, 10));
  const results = await Promise.allSettled(Array.from({ length: 40 }, () => limits.consume('message:send', 'concurrent-user')));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 20, 'exactly the budget, none burnt by leases');
});
