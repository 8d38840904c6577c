import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideReaction, summarizeReactions } from './reactions';

test('adding twice or removing what is not there changes nothing; a 21st distinct emoji is refused, joining one is not', () => {
  assert.equal(decideReaction('add', { mine: false, present: false, distinct: 0 }), 'apply');
  assert.equal(decideReaction('add', { mine: true, present: true, distinct: 1 }), 'noop');
  assert.equal(decideReaction('remove', { mine: false, present: true, distinct: 1 }), 'noop');
  assert.equal(decideReaction('remove', { mine: true, present: true, distinct: 20 }), 'apply');
  assert.equal(decideReaction('add', { mine: false, present: false, distinct: 19 }), 'apply');
  assert.equal(decideReaction('add', { mine: false, present: false, distinct: 20 }), 'too_many');
  assert.equal(decideReaction('add', { mine: false, present: true, distinct: 20 }), 'apply');
  assert.equal(decideReaction('add', { mine: false, present: false, distinct: 0, system: true }), 'system');
  assert.equal(decideReaction('remove', { mine: false, present: false, distinct: 0, system: true }), 'system');
});

test('the summary orders emoji by first use, counts exactly and lists the first 20 reactors', () => {
  const users = Array.from({ length: 25 }, (_, i) => `u${i}`);
  const rows = [
    { emoji: '👍', userId: 'a' },
    { emoji: ':tada:', userId: 'b' },
    ...users.map((userId) => ({ emoji: '👍', userId })),
  ];
  const s = summarizeReactions(rows);
  assert.deepEqual(s.map((r) => [r.emoji, r.count]), [['👍', 26], [':tada:', 1]]);
  assert.deepEqual(s[0]?.userIds, ['a', ...users.slice(0, 19)]);
  assert.deepEqual(summarizeReactions([]), []);
});
