// The room list over a fake api: unread counting (live messages, own sends, the room being read,
// receipts, the server's count on reload), the list order, and a reactive read that really re-runs.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createEffect, createRoot } from 'solid-js';
import type { Room } from '@converge/protocol';
import { aMessage, aRoom, BOB, CAROL, type Harness, harness, ME, roomId, signIn } from './store.fakes';

const R = roomId(1);
const S = roomId(2);

describe('rooms store', () => {
  let h: Harness | undefined;
  afterEach(() => {
    h?.store.live.stop();
    h?.store.dispose();
    h = undefined;
  });

  async function withRooms(list: Room[]) {
    let current = list;
    const hh = harness({ rooms: async () => ({ rooms: current }) });
    h = hh;
    await signIn(hh);
    await hh.store.rooms.reload();
    return { hh, setRooms: (l: Room[]) => (current = l) };
  }

  test("others' messages count as unread; an own message clears the count and moves the read marker", async () => {
    const { hh } = await withRooms([aRoom(R, { lastSeq: 4, unreadCount: 1, readSeq: 3 })]);
    const { rooms } = hh.store;
    assert.equal(rooms.get(R)?.unread, 1);
    rooms.applyMessage(aMessage(R, 5));
    rooms.applyMessage(aMessage(R, 6));
    assert.equal(rooms.get(R)?.unread, 3);
    rooms.applyMessage(aMessage(R, 6)); // the same message again (an echo and a sync)
    assert.equal(rooms.get(R)?.unread, 3, 'a message is counted once');
    rooms.applyMessage(aMessage(R, 7, { senderId: ME }));
    assert.equal(rooms.get(R)?.unread, 0);
    assert.equal(rooms.get(R)?.room.readSeq, 7);
    rooms.applyMessage(aMessage(R, 8, { deletedAt: '2026-01-02T00:00:00.000Z', body: null }));
    assert.equal(rooms.get(R)?.unread, 0, 'a deleted message is not unread');
    assert.equal(rooms.get(R)?.knownSeq, 8);
  });

  test('the room being read gathers no unread; markSeen returns the seq to report once', async () => {
    const { hh } = await withRooms([aRoom(R, { lastSeq: 2, unreadCount: 2 })]);
    const { rooms } = hh.store;
    rooms.setReading(R);
    rooms.applyMessage(aMessage(R, 3));
    assert.equal(rooms.get(R)?.unread, 2);
    assert.equal(rooms.markSeen(R), 3);
    assert.equal(rooms.get(R)?.unread, 0);
    assert.equal(rooms.markSeen(R), null);
  });

  test("a reload takes the server's count, unless messages past its lastSeq already arrived", async () => {
    const { hh, setRooms } = await withRooms([aRoom(R, { lastSeq: 2, unreadCount: 0 }), aRoom(S)]);
    const { rooms } = hh.store;
    rooms.applyMessage(aMessage(R, 3));
    rooms.applyMessage(aMessage(R, 4));
    // The answer was computed before seq 3 and 4: our local count is newer.
    setRooms([aRoom(R, { lastSeq: 2, unreadCount: 0 })]);
    await rooms.reload();
    assert.equal(rooms.get(R)?.unread, 2);
    assert.equal(rooms.get(S), undefined, 'a room no longer listed is dropped');
    setRooms([aRoom(R, { lastSeq: 4, unreadCount: 1, readSeq: 3 })]);
    await rooms.reload();
    assert.equal(rooms.get(R)?.unread, 1);
  });

  test('own read receipts clear the badge; others are kept per member', async () => {
    const { hh } = await withRooms([aRoom(R, { lastSeq: 5, unreadCount: 5 })]);
    const { rooms } = hh.store;
    rooms.setReceipt(R, ME, 5);
    assert.equal(rooms.get(R)?.unread, 0);
    assert.equal(rooms.get(R)?.room.readSeq, 5);
    rooms.setReceipt(R, BOB, 4);
    rooms.setReceipt(R, BOB, 2);
    assert.deepEqual({ ...rooms.receipts[R] }, { [BOB]: 4 });
  });

  test('the list is sorted by latest activity and a DM is titled by the other person', async () => {
    const dm = aRoom(S, { kind: 'direct', name: '', members: [{ userId: ME, role: 'member' }, { userId: CAROL, role: 'member' }] });
    const { hh } = await withRooms([aRoom(R), dm]);
    hh.api.set({ user: async (id: string) => ({ id, username: 'carol', displayName: 'Carol', createdAt: '2026-01-01T00:00:00.000Z' }) });
    const { rooms, users } = hh.store;
    rooms.applyMessage(aMessage(S, 1, { senderId: CAROL }));
    assert.deepEqual(rooms.sorted().map((rv) => rv.room.id), [S, R]);
    rooms.applyMessage(aMessage(R, 1));
    assert.deepEqual(rooms.sorted().map((rv) => rv.room.id), [R, S]);
    users.name(CAROL);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(rooms.title(rooms.get(S)!), 'Carol');
  });

  test('an effect reading the unread count re-runs when a message arrives (the browser build of Solid)', async () => {
    const { hh } = await withRooms([aRoom(R)]);
    const { rooms } = hh.store;
    const seen: (number | undefined)[] = [];
    const dispose = createRoot((d) => {
      createEffect(() => seen.push(rooms.get(R)?.unread));
      return d;
    });
    rooms.applyMessage(aMessage(R, 1));
    rooms.applyMessage(aMessage(R, 2));
    dispose();
    assert.deepEqual(seen, [0, 1, 2]);
  });
});
