// The quick picker's row and the recent emoji kept per user.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { groupCatalog, searchCatalog } from '../src/lib/emoji-catalog';
import { FREQUENT_EMOJI, pushRecent, quickEmoji, readRecent, rememberRecent } from '../src/lib/recent-emoji';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

describe('recent emoji', () => {
  test('the last picked comes first, once, at most eight kept', () => {
    assert.deepEqual(pushRecent(['a', 'b'], 'b'), ['b', 'a']);
    assert.equal(pushRecent(['1', '2', '3', '4', '5', '6', '7', '8'], '9').length, 8);
  });
  test('the quick row leads with recent ones and fills up with the frequent set', () => {
    assert.deepEqual(quickEmoji([]), [...FREQUENT_EMOJI]);
    const row = quickEmoji(['🦀', '👍']);
    assert.deepEqual(row.slice(0, 3), ['🦀', '👍', '❤️']);
    assert.equal(new Set(row).size, row.length);
  });
  test('kept per user; unreadable storage gives none', () => {
    const s = memory();
    rememberRecent(s, 'u1', '🦀');
    assert.deepEqual(readRecent(s, 'u1'), ['🦀']);
    assert.deepEqual(readRecent(s, 'u2'), []);
    s.setItem('converge.recentEmoji.u3', '{not json');
    assert.deepEqual(readRecent(s, 'u3'), []);
    assert.deepEqual(readRecent(null, 'u1'), []);
  });
});

describe('emoji catalogue', () => {
  const data = [
    { unicode: '🐱', label: 'cat face', group: 3, order: 2, tags: ['pet'] },
    { unicode: '😀', label: 'grinning face', group: 0, order: 1, tags: ['happy'] },
    { unicode: '🏻', label: 'light skin tone', group: 2, order: 1 },
    { unicode: '🇦', label: 'regional indicator A' },
  ];
  test('groups in order, without components or ungrouped entries', () => {
    const g = groupCatalog(data);
    assert.deepEqual(g.map((x) => x.name), ['Smileys', 'Nature']);
  });
  test('search matches labels and tags, every word', () => {
    const g = groupCatalog(data);
    assert.deepEqual(searchCatalog(g, 'face').map((e) => e.unicode), ['😀', '🐱']);
    assert.deepEqual(searchCatalog(g, 'pet cat').map((e) => e.unicode), ['🐱']);
    assert.deepEqual(searchCatalog(g, '  '), []);
  });
});
