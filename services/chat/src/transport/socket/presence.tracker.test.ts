import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveTotal } from './presence.tracker';

test('presence counts only fields that have not expired, and can leave one pod out', () => {
  const now = 1_000_000;
  const fields = { podA: `2:${now + 10}`, podB: `3:${now - 1}`, podC: `1:${now + 5000}`, junk: 'x' };
  assert.equal(liveTotal(fields, now), 3, 'podB crashed: its sockets no longer count');
  assert.equal(liveTotal(fields, now, 'podA'), 1);
  assert.equal(liveTotal({}, now), 0);
});
