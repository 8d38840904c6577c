// The changes feed's pure rules: a copy wins only with a newer rev; a live rev is next, seen, or past a gap.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Message } from '@converge/protocol';
import { isNewer, isSystem, revAfterPage, revStep, systemText } from '../src/store/revs';

const msg = (over: Record<string, unknown>) => ({ senderId: 'a', rev: 1, ...over }) as unknown as Message;

describe('apply by rev', () => {
  test('only a newer rev replaces the copy held; a first copy always applies', () => {
    assert.equal(isNewer(undefined, { rev: 3 }), true);
    assert.equal(isNewer({ rev: 3 }, { rev: 4 }), true);
    assert.equal(isNewer({ rev: 3 }, { rev: 3 }), false, 'the same change never twice');
    assert.equal(isNewer({ rev: 4 }, { rev: 3 }), false, 'never backwards');
  });

  test('a live rev is the next one, one already covered, or past a gap', () => {
    assert.equal(revStep(5, 6), 'next');
    assert.equal(revStep(5, 5), 'seen');
    assert.equal(revStep(5, 2), 'seen');
    assert.equal(revStep(5, 8), 'gap');
  });

  test('after a page the feed is complete to its newest rev, or to lastRev when it was the last page', () => {
    assert.equal(revAfterPage(2, { messages: [{ rev: 4 }, { rev: 3 }], hasMore: true, lastRev: 9 }), 4);
    assert.equal(revAfterPage(2, { messages: [{ rev: 4 }], hasMore: false, lastRev: 9 }), 9);
    assert.equal(revAfterPage(7, { messages: [], hasMore: false, lastRev: 7 }), 7);
  });
});

describe('system lines', () => {
  const names: Record<string, string> = { a: 'alice', b: 'bob' };
  const name = (id: string) => names[id] ?? id;
  test('name the people and the new room name', () => {
    assert.equal(systemText(msg({ kind: 'system', system: { event: 'joined' } }), name), 'alice joined');
    assert.equal(systemText(msg({ senderId: 'b', kind: 'system', system: { event: 'renamed', name: 'X' } }), name), 'bob renamed the room to X');
    assert.equal(systemText(msg({ kind: 'system', system: { event: 'added', userId: 'b' } }), name), 'alice added bob');
  });
  test('a user message is not a system line', () => {
    assert.equal(isSystem(msg({})), false);
    assert.equal(isSystem(msg({ kind: 'user' })), false);
    assert.equal(isSystem(msg({ kind: 'system' })), true);
  });
});
