import assert from 'node:assert/strict';
import { test } from 'node:test';
import { removalEvent, roomChangeEvents } from './room-changes';
import { decodeCursor, encodeCursor, searchPrefix } from './public-rooms';

test('an update records one system event per setting that really changes, rename first', () => {
  const now = { name: 'team', visibility: 'private' as const };
  assert.deepEqual(roomChangeEvents(now, { name: 'team' }), []);
  assert.deepEqual(roomChangeEvents(now, { visibility: 'private' }), []);
  assert.deepEqual(roomChangeEvents(now, { name: 'crew', visibility: 'public' }), [
    { event: 'renamed', name: 'crew' },
    { event: 'visibility', visibility: 'public' },
  ]);
});

test('removing oneself is leaving', () => {
  assert.deepEqual(removalEvent('a', 'a'), { event: 'left', userId: 'a' });
  assert.deepEqual(removalEvent('a', 'b'), { event: 'removed', userId: 'b' });
});

test('a directory cursor round-trips; anything else is VALIDATION_FAILED', () => {
  const key = { name: 'général 🎉', id: '00000000-0000-4000-8000-000000000001' };
  assert.deepEqual(decodeCursor(encodeCursor(key)), key);
  for (const bad of ['x', encodeCursor({ name: 'a', id: 'not-a-uuid' }), Buffer.from('[1,2]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
    assert.throws(() => decodeCursor(bad), (e: { code?: string }) => e.code === 'VALIDATION_FAILED', bad);
  }
  assert.equal(searchPrefix('  ProJ '), 'proj');
  assert.equal(searchPrefix(undefined), '');
});
