import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redisOptions } from './redis';

test('a Sentinel list wins over REDIS_URL and names the master', () => {
  const o = redisOptions({
    REDIS_URL: 'redis://ignored:1',
    REDIS_SENTINELS: ['s1:26379', 's2:26380'],
    REDIS_MASTER_NAME: 'converge',
    REDIS_PASSWORD: 'pw',
  });
  assert.deepEqual(o.sentinels, [
    { host: 's1', port: 26379 },
    { host: 's2', port: 26380 },
  ]);
  assert.equal(o.name, 'converge');
  assert.equal(o.password, 'pw');
  assert.equal(o.host, undefined);
});

test('a plain URL gives host, port, db and password', () => {
  const o = redisOptions({ REDIS_URL: 'redis://:s3cret@cache:6390/2', REDIS_MASTER_NAME: 'mymaster' });
  assert.equal(o.host, 'cache');
  assert.equal(o.port, 6390);
  assert.equal(o.db, 2);
  assert.equal(o.password, 's3cret');
});
