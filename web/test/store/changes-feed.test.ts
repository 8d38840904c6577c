// The changes feed in the store over a fake socket: after a reconnect the room is caught up by rev
// (`room:changes` from the rev held, paged) and by seq, each message shown once in its latest state; a
// live rev jump fetches the changes; a stale copy never replaces a newer one.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Message, Room } from '@converge/protocol';
import { aMessage, aRoom, BOB, type Harness, harness, ME, page, roomId, settle, signIn } from './store.fakes';

const R = roomId(1);

describe('changes feed (store)', () => {
  let h: Harness | undefined;
  afterEach(() => {
    h?.store.live.stop();
    h?.store.dispose();
    h = undefined;
  });

  /** Room R with seq/rev 1..3 on the "server", the thread open and the link up; `server` is its latest state. */
  async function live() {
    const server = new Map<number, Message>([1, 2, 3].map((s) => [s, aMessage(R, s)]));
    let room: Room = aRoom(R, { lastSeq: 3, lastRev: 3, readSeq: 3 });
    const hh = harness({
      rooms: async () => ({ rooms: [room] }),
      history: async () => page([...server.values()]),
      presence: async () => ({ users: [] }),
    });
    h = hh;
    const byRev = () => [...server.values()].sort((a, b) => a.rev - b.rev);
    hh.socket.answer('room:sync', (p: { afterSeq: number }) => ({
      ok: true,
      messages: [...server.values()].filter((m) => m.seq > p.afterSeq),
      hasMore: false,
    }));
    // Pages of two, so the client has to follow hasMore.
    hh.socket.answer('room:changes', (p: { afterRev: number }) => {
      const after = byRev().filter((m) => m.rev > p.afterRev);
      return { ok: true, messages: after.slice(0, 2), hasMore: after.length > 2, lastRev: room.lastRev };
    });
    await signIn(hh);
    hh.store.live.start();
    await settle();
    await hh.store.messages.open(R);
    let rev = 3;
    const change = (seq: number, over: Partial<Message>) => {
      rev++;
      const m = { ...(server.get(seq) ?? aMessage(R, seq)), ...over, rev };
      server.set(seq, m);
      room = { ...room, lastRev: rev, lastSeq: Math.max(room.lastSeq, seq) };
      return m;
    };
    return { hh, change };
  }

  const shown = (hh: Harness) => hh.store.messages.thread(R)!.messages;

  test('edits, a delete, a reaction and new messages made while away all show after reconnecting, once each', async () => {
    const { hh, change } = await live();
    hh.socket.disconnect();
    change(1, { body: 'edited while away', editedAt: '2026-01-03T00:00:00.000Z' });
    change(2, { body: null, deletedAt: '2026-01-03T00:00:01.000Z' });
    change(3, { reactions: [{ emoji: '👍', count: 1, userIds: [BOB] }] });
    change(4, {});
    change(5, {});
    hh.socket.connect();
    await settle();

    const changesCalls = hh.socket.emitted('room:changes');
    assert.deepEqual(changesCalls.map((c) => c.afterRev), [3, 5, 7], 'from the rev held, page after page');
    const list = shown(hh);
    assert.deepEqual(list.map((m) => m.seq), [1, 2, 3, 4, 5], 'every message once, in order');
    assert.equal(list[0]?.body, 'edited while away');
    assert.ok(list[1]?.deletedAt);
    assert.deepEqual(list[2]?.reactions.map((r) => [r.emoji, r.count]), [['👍', 1]]);

    // Nothing changed since: the next reconnect asks for no changes at all.
    hh.socket.disconnect();
    hh.socket.connect();
    await settle();
    assert.equal(hh.socket.emitted('room:changes').length, 3);
  });

  test('a live rev past a gap fetches the missed changes; a stale copy never replaces a newer one', async () => {
    const { hh, change } = await live();
    const missed = change(2, { body: 'edit we never got live' });
    const reacted = change(3, { reactions: [{ emoji: '🎉', count: 1, userIds: [ME] }] });
    hh.socket.serverSends('message:updated', reacted); // rev 5 while we hold 3: rev 4 is missing
    await settle();
    assert.deepEqual(hh.socket.emitted('room:changes').map((c) => c.afterRev), [3]);
    assert.equal(shown(hh)[1]?.body, 'edit we never got live');
    assert.equal(shown(hh)[2]?.reactions[0]?.emoji, '🎉');

    // The older copy of seq 2 (its rev 4 event arriving late) and the original (rev 2) change nothing.
    hh.socket.serverSends('message:updated', { ...missed, body: 'late' , rev: 4 });
    hh.socket.serverSends('message:updated', aMessage(R, 2));
    await settle();
    assert.equal(shown(hh)[1]?.body, 'edit we never got live');

    // The next rev applies live, with no fetch.
    const next = change(1, { body: 'live edit' });
    hh.socket.serverSends('message:updated', next);
    await settle();
    assert.equal(shown(hh)[0]?.body, 'live edit');
    assert.equal(hh.socket.emitted('room:changes').length, 1);
  });

  test('reacting goes over the socket and shows the answer', async () => {
    const { hh, change } = await live();
    hh.socket.answer('reaction:add', (p: { seq: number; emoji: string }) => ({
      ok: true,
      message: change(p.seq, { reactions: [{ emoji: p.emoji, count: 1, userIds: [ME] }] }),
    }));
    await hh.store.messages.react(R, 2, '❤️', true);
    assert.deepEqual(hh.socket.emitted('reaction:add'), [{ roomId: R, seq: 2, emoji: '❤️' }]);
    assert.equal(shown(hh)[1]?.reactions[0]?.count, 1);
  });
});

describe('system messages (store)', () => {
  test('a system line takes its seq but never counts as unread', async () => {
    const hh = harness({ rooms: async () => ({ rooms: [aRoom(R, { lastSeq: 1, unreadCount: 0, readSeq: 1 })] }) });
    await signIn(hh);
    await hh.store.rooms.reload();
    const joined = { ...aMessage(R, 2), body: null, kind: 'system', system: { event: 'joined', userId: BOB } } as unknown as Message;
    hh.store.rooms.applyMessage(joined);
    hh.store.rooms.applyMessage(aMessage(R, 3));
    assert.equal(hh.store.rooms.get(R)?.knownSeq, 3);
    assert.equal(hh.store.rooms.get(R)?.unread, 1);
    hh.store.live.stop();
    hh.store.dispose();
  });
});
