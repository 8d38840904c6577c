import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveTopics } from './live-topics';

test('a topic is live from its announcement until the announcement expires', () => {
  const live = new LiveTopics(1000);
  assert.equal(live.isLive('t', 0), false, 'nobody announced it');
  live.heard('t', 1000);
  assert.equal(live.isLive('t', 999), true);
  assert.equal(live.isLive('t', 1000), false, 'expired');
  live.heard('t', 2000);
  live.heard('t', 1500);
  assert.equal(live.isLive('t', 1800), true, 'an older announcement never shortens a newer one');
});

test('a full read replaces what is known, keeping announcements heard meanwhile, dropping expired ones', () => {
  const live = new LiveTopics(1000);
  live.heard('gone', 500);
  live.heard('heard-meanwhile', 1500);
  live.replaceAll([['read', 1200], ['expired-in-redis', 90]], 100);
  assert.equal(live.isLive('read', 150), true);
  assert.equal(live.isLive('heard-meanwhile', 150), true);
  assert.equal(live.isLive('expired-in-redis', 150), false);
  live.replaceAll([], 600);
  assert.equal(live.isLive('gone', 100), false, 'not in the read and expired by then');
});
