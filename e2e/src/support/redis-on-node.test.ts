import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRedisVolumes, readRedisValues, redisHealthy, redisView } from './redis-on-node';

test('each Redis pod claim gets a hostPath volume bound ahead, in the overlay class', () => {
  const values = readRedisValues();
  const pvs = buildRedisVolumes(values, '/v', 'converge', 'converge');
  assert.equal(pvs.length, values.dataLayer.redis.sentinel.replicas);
  assert.deepEqual(pvs[1]?.spec.claimRef, { namespace: 'converge', name: 'data-converge-redis-redis-1' });
  assert.equal(pvs[1]?.spec.hostPath.path, '/v/redis-1');
  assert.equal(pvs[1]?.spec.storageClassName, values.dataLayer.redis.sentinel.storage.storageClass);
});

const status = (over: Record<string, unknown> = {}) => ({
  status: {
    phase: 'Healthy',
    currentMaster: 'r-0',
    pods: [
      { name: 'r-0', role: 'master', ready: true },
      { name: 'r-1', role: 'replica', ready: true, link: 'up' },
      { name: 'r-2', role: 'replica', ready: true, link: 'up' },
    ],
    sentinels: ['s-0', 's-1', 's-2'].map((name) => ({ name, reachable: true, masterPod: 'r-0' })),
    conditions: [{ type: 'Ready', status: 'True' }],
    ...over,
  },
});

test('healthy only with one master, linked replicas and every Sentinel naming the master', () => {
  assert.equal(redisHealthy(redisView(status()), 3, 3), true);
  const linkDown = status({ pods: [{ name: 'r-0', role: 'master', ready: true }, { name: 'r-1', role: 'replica', ready: true, link: 'down' }, { name: 'r-2', role: 'replica', ready: true, link: 'up' }] });
  assert.match(String(redisHealthy(redisView(linkDown), 3, 3)), /r-1:replica\/down/);
  const stale = status({ sentinels: [{ name: 's-0', reachable: true, masterPod: 'r-1' }, { name: 's-1', reachable: true, masterPod: 'r-0' }, { name: 's-2', reachable: false }] });
  assert.match(String(redisHealthy(redisView(stale), 3, 3)), /s-0→r-1 .*s-2→unreachable/);
});

test('the SentinelsDisagree message is read only while the condition is True', () => {
  const on = redisView(status({ conditions: [{ type: 'SentinelsDisagree', status: 'True', message: 'the Sentinels name different masters: s-0: r-1' }] }));
  assert.equal(on.disagreement, 'the Sentinels name different masters: s-0: r-1');
  const off = redisView(status({ conditions: [{ type: 'SentinelsDisagree', status: 'False', message: 'agree' }] }));
  assert.equal(off.disagreement, '');
});
