import assert from 'node:assert/strict';
import { test } from 'node:test';
import Redis from 'ioredis';
import { portOpen } from './managed-server';
import { sentinelConfig, startRedisSentinel } from './redis-sentinel';

test('a sentinel config monitors the master with the quorum', () => {
  const conf = sentinelConfig(26379, '/tmp/x', { masterName: 'm', masterPort: 7000, quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 5000 });
  assert.match(conf, /^sentinel monitor m 127\.0\.0\.1 7000 2$/m);
  assert.match(conf, /^bind 127\.0\.0\.1$/m);
});

test('Sentinel reports the master and elects a new one after the master is killed', { timeout: 120_000 }, async () => {
  const set = await startRedisSentinel({ replicas: 1, sentinels: 3 });
  const all = [set.master, ...set.replicas, ...set.sentinels];
  try {
    assert.equal(set.sentinelAddresses.length, 3);
    assert.deepEqual(await set.currentMaster(), { host: '127.0.0.1', port: set.master.port });

    // A Sentinel client writes through the master, and the value reaches the replica.
    const client = new Redis({ sentinels: set.sentinelAddresses, name: set.masterName, maxRetriesPerRequest: 1 });
    // It reconnects through the failover; the refused connects meanwhile are expected.
    client.on('error', () => undefined);
    await client.set('k', 'before');
    const replica = new Redis({ port: set.replicas[0]!.port, host: '127.0.0.1' });
    for (let i = 0; i < 50 && (await replica.get('k')) !== 'before'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await replica.get('k'), 'before');
    replica.disconnect();

    const old = await set.killMaster();
    assert.equal(await portOpen(old.port), false);
    const elected = await set.waitForFailover(old);
    assert.equal(elected.port, set.replicas[0]!.port, 'the only replica is the new master');
    assert.equal(await client.get('k'), 'before', 'the client follows the new master');
    client.disconnect();
  } finally {
    await set.stop();
  }
  for (const s of all) assert.equal(await portOpen(s.port), false, `:${s.port} stopped`);
});
