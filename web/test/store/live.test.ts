// The live link over a fake socket: connect → reload and room:sync every room, gap detection (a
// live message past knownSeq + 1 triggers room:sync instead of being applied), room events, the
// offline/online switch and the read marker's two paths.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Message, Room } from '@converge/protocol';
import { aMessage, aRoom, BOB, type Harness, harness, ME, page, roomId, settle, signIn } from './store.fakes';

const R = roomId(1);
const S = roomId(2);

describe('live store', () => {
  let h: Harness | undefined;
  afterEach(() => {
    h?.store.live.stop();
    h?.store.dispose();
    h = undefined;
  });

  /** Signed in, one room R holding seq 1..lastSeq on the server, the thread open, the link up. */
  async function live(lastSeq: number) {
    const history = Array.from({ length: lastSeq }, (_, i) => aMessage(R, i + 1));
    const all = [...history];
    let rooms: Room[] = [aRoom(R, { lastSeq, readSeq: lastSeq })];
    const hh = harness({
      rooms: async () => ({ rooms }),
      history: async () => page(history),
      presence: async () => ({ users: [] }),
    });
    h = hh;
    hh.socket.answer('room:sync', (p: { roomId: string; afterSeq: number }) => ({
      ok: true,
      messages: all.filter((m) => m.roomId === p.roomId && m.seq > p.afterSeq),
      hasMore: false,
    }));
    await signIn(hh);
    hh.store.live.start();
    await settle();
    await hh.store.messages.open(R);
    return { hh, setRooms: (l: Room[]) => (rooms = l), serverStores: (m: Message) => all.push(m) };
  }

  test('after connecting the room list is reloaded and every room synced from its last seq', async () => {
    const { hh } = await live(3);
    assert.equal(hh.store.connection.state.status, 'connected');
    assert.ok(hh.api.calls.some((c) => c.name === 'rooms'));
    assert.deepEqual(hh.socket.emitted('room:sync'), [{ roomId: R, afterSeq: 3, limit: 500 }]);
  });

  test('the next seq is applied as it comes; a seq gap syncs the room instead, and nothing is missing', async () => {
    const missed = [aMessage(R, 4), aMessage(R, 5), aMessage(R, 6)];
    const { hh, serverStores } = await live(3);
    missed.forEach(serverStores);
    const before = hh.socket.emitted('room:sync').length;
    hh.socket.serverSends('message:new', missed[0]);
    await settle();
    assert.equal(hh.socket.emitted('room:sync').length, before, 'the next seq needs no sync');
    assert.equal(hh.store.rooms.get(R)?.unread, 1);

    hh.socket.serverSends('message:new', missed[2]); // seq 6 while we hold 4: 5 is missing
    await settle();
    const syncs = hh.socket.emitted('room:sync').slice(before);
    assert.deepEqual(syncs, [{ roomId: R, afterSeq: 4, limit: 500 }]);
    assert.deepEqual(
      hh.store.messages.thread(R)?.messages.map((m) => m.seq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(hh.store.rooms.get(R)?.unread, 3);
  });

  test('a message for a room not yet known reloads the list, then syncs that room', async () => {
    const { hh, setRooms } = await live(1);
    const m = aMessage(S, 1);
    setRooms([aRoom(R, { lastSeq: 1, readSeq: 1 }), aRoom(S, { lastSeq: 0 })]);
    hh.socket.answer('room:sync', (p: { roomId: string; afterSeq: number }) => ({
      ok: true,
      messages: p.roomId === S && p.afterSeq < 1 ? [m] : [],
      hasMore: false,
    }));
    hh.socket.serverSends('message:new', m);
    await settle();
    assert.equal(hh.store.rooms.get(S)?.knownSeq, 1);
    assert.equal(hh.store.rooms.get(S)?.unread, 1);
  });

  test('room:updated without me and room:removed drop the room, leaving its page when open', async () => {
    const { hh } = await live(1);
    hh.navigate(`/c/${R}`);
    hh.socket.serverSends('room:updated', aRoom(R, { name: 'Renamed' }));
    assert.equal(hh.store.rooms.get(R)?.room.name, 'Renamed');
    hh.socket.serverSends('room:updated', aRoom(R, { members: [{ userId: BOB, role: 'admin' }] }));
    assert.equal(hh.store.rooms.get(R), undefined);
    assert.equal(hh.store.messages.thread(R), undefined);
    assert.deepEqual(hh.route(), { name: 'home' });

    hh.socket.serverSends('room:added', aRoom(S));
    assert.ok(hh.store.rooms.get(S));
    hh.socket.serverSends('room:removed', { roomId: S });
    assert.equal(hh.store.rooms.get(S), undefined);
  });

  test('typing, presence and receipts from the socket land in the room slice', async () => {
    const { hh } = await live(1);
    hh.socket.serverSends('typing', { roomId: R, userId: BOB, typing: true });
    assert.ok(hh.store.rooms.typing[R]?.[BOB]);
    hh.socket.serverSends('message:new', aMessage(R, 2));
    assert.equal(hh.store.rooms.typing[R]?.[BOB], undefined, 'a message ends its sender\'s typing');
    hh.socket.serverSends('presence', { userId: BOB, online: true });
    assert.equal(hh.store.rooms.presence[BOB], true);
    hh.socket.serverSends('room:read', { roomId: R, userId: ME, seq: 2 });
    assert.equal(hh.store.rooms.get(R)?.unread, 0);
  });

  test('offline drops the link and shows it; online reconnects and resyncs', async () => {
    const { hh } = await live(1);
    const before = hh.socket.emitted('room:sync').length;
    hh.setOnline(false);
    assert.equal(hh.store.connection.state.status, 'offline');
    assert.equal(hh.socket.connected, false);
    hh.setOnline(true);
    await settle();
    assert.equal(hh.store.connection.state.status, 'connected');
    assert.equal(hh.socket.emitted('room:sync').length, before + 1);
  });

  test('the read marker goes by socket when connected, else by REST; typing is sent at most every 3 s', async () => {
    const { hh } = await live(2);
    hh.socket.answer('room:read', () => ({ ok: true }));
    hh.socket.answer('typing', () => ({ ok: true }));
    hh.store.live.sendRead(R, 2);
    hh.store.live.sendTyping(R, true);
    hh.store.live.sendTyping(R, true);
    hh.store.live.sendTyping(R, false);
    assert.deepEqual(hh.socket.emitted('room:read'), [{ roomId: R, seq: 2 }]);
    assert.deepEqual(
      hh.socket.emitted('typing').map((p) => p.typing),
      [true, false],
    );
    hh.api.set({ markRead: async () => undefined });
    hh.socket.disconnect();
    hh.store.live.sendRead(R, 2);
    await settle();
    assert.deepEqual(hh.api.calls.filter((c) => c.name === 'markRead').map((c) => c.args), [[R, 2]]);
  });

  test('a socket refused as UNAUTHENTICATED refreshes the token and connects again', async () => {
    const { hh } = await live(1);
    hh.api.set({ refresh: async () => ({ accessToken: 'access-2', refreshToken: 'refresh-2' }) });
    hh.socket.disconnect();
    hh.socket.serverSends('connect_error', new Error('UNAUTHENTICATED'));
    await settle();
    assert.equal(hh.api.calls.filter((c) => c.name === 'refresh').length, 1);
    assert.equal(hh.socket.connected, true);
    assert.equal(hh.store.session.accessToken(), 'access-2');
  });

  test('a server shutdown notice, then its disconnect: reconnects by itself after the notice delay', async () => {
    const { hh } = await live(1);
    hh.socket.serverSends('server:shutdown', { afterMs: 0 });
    hh.socket.connected = false;
    hh.socket.serverSends('disconnect', 'io server disconnect');
    assert.equal(hh.store.connection.state.status, 'reconnecting');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(hh.socket.connected, true);
    assert.equal(hh.store.connection.state.status, 'connected');
  });

  test('stop closes the link and forgets rooms and threads', async () => {
    const { hh } = await live(1);
    hh.store.live.stop();
    assert.equal(hh.socket.connected, false);
    assert.equal(hh.store.connection.state.status, 'idle');
    assert.equal(hh.store.rooms.get(R), undefined);
    assert.equal(hh.store.messages.thread(R), undefined);
  });
});
