import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS, LIMITED_ACTIONS, parseLimitOverrides, resolveLimits } from './limits.table';

test('RATE_LIMITS overrides single actions, or every one with *', () => {
  assert.deepEqual(parseLimitOverrides(''), {});
  assert.deepEqual(parseLimitOverrides('typing=2/1, room:create=3/60/6'), {
    typing: { points: 2, durationSeconds: 1, burst: 2 },
    'room:create': { points: 3, durationSeconds: 60, burst: 6 },
  });
  const all = parseLimitOverrides('*=100000/1,typing=1/1');
  assert.deepEqual(Object.keys(all).sort(), [...LIMITED_ACTIONS].sort());
  assert.equal(all['message:edit']?.points, 100000);
  assert.equal(all.typing?.points, 1, 'a later entry wins');
});

test('RATE_LIMITS refuses what it cannot read, naming the entry', () => {
  assert.throws(() => parseLimitOverrides('typing=fast'), /"typing=fast" is not action=points\/seconds/);
  assert.throws(() => parseLimitOverrides('shout=1/1'), /unknown action "shout"/);
  assert.throws(() => parseLimitOverrides('typing=0/1'), /points >= 1/);
  assert.throws(() => parseLimitOverrides('typing=5/1/2'), /burst >= points/);
});

test('the send row comes from SEND_RATE_PER_SECOND / SEND_BURST unless RATE_LIMITS names it', () => {
  const t = resolveLimits({ perSecond: 7, burst: 9 }, {});
  assert.deepEqual(t['message:send'], { points: 7, durationSeconds: 1, burst: 9 });
  assert.deepEqual(t.typing, DEFAULT_LIMITS.typing);
  assert.equal(resolveLimits({ perSecond: 7, burst: 9 }, parseLimitOverrides('*=50/1'))['message:send'].points, 50);
});
