import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

test('20 clients over two processes each send 50 messages: seq 1..1000, everyone gets all 1000 once, in order', async () => {
  const users: User[] = [];
  for (let i = 0; i < 20; i++) users.push(await user(pods.c.issuer));
  const owner = users[0] as User;
  const room = await rest(pods.a.url, 'POST', '/rooms', owner.token, { name: 'load', memberIds: users.slice(1).map((u) => u.id) });
  assert.equal(room.status, 201);
  const roomId = room.body.id as string;

  const sockets: Socket[] = [];
  const received = new Map<number, Message[]>();
  for (const [i, u] of users.entries()) {
    const s = await connect(i % 2 ? pods.b.url : pods.a.url, u.token);
    received.set(i, []);
    s.on('message:new', (m: Message) => received.get(i)?.push(m));
    sockets.push(s);
  }
  // No wait and no join call: on connect a socket is already in all of its user's rooms.

  await Promise.all(
    sockets.map(async (s, i) => {
      for (let n = 0; n < 50; n++) {
        const ack = await emit(s, 'message:send', { roomId, body: `m ${i}-${n}`, clientMsgId: `c-${i}-${n}` });
        assert.equal(ack.ok, true, JSON.stringify(ack));
      }
    }),
  );

  const { rows } = await (async () => {
    const pg = await import('pg');
    const client = new pg.Client({ connectionString: pods.c.db.url });
    await client.connect();
    const r = await client.query('SELECT seq FROM messages WHERE room_id = $1 ORDER BY seq', [roomId]);
    await client.end();
    return r;
  })();
  assert.deepEqual(rows.map((r: { seq: string }) => Number(r.seq)), Array.from({ length: 1000 }, (_, i) => i + 1));

  // Real time is best effort; each client completes from sync, as the contract says a client must.
  for (const [i, s] of sockets.entries()) {
    const got = received.get(i) as Message[];
    const seen = new Map<number, Message>();
    for (const m of got) seen.set(m.seq, m);
    let last = 0;
    const inOrder: number[] = [];
    for (const m of got) {
      if (m.seq === last + 1) {
        inOrder.push(m.seq);
        last = m.seq;
      }
    }
    while (last < 1000) {
      const page = await emit<{ ok: boolean; messages: Message[]; hasMore: boolean }>(s, 'room:sync', { roomId, afterSeq: last, limit: 500 });
      assert.equal(page.ok, true);
      for (const m of page.messages) {
        assert.equal(m.seq, last + 1, 'sync returns the next seqs in order');
        inOrder.push(m.seq);
        last = m.seq;
      }
      if (!page.hasMore && last < 1000) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(inOrder, Array.from({ length: 1000 }, (_, k) => k + 1), `client ${i} holds 1..1000 once each`);
  }
  // Real-time delivery itself should be near-complete when nothing failed.
  await waitFor('real-time delivery', () => [...received.values()].every((l) => new Set(l.map((m) => m.seq)).size === 1000), 10_000);
  // Pushes from two pods may interleave out of seq order (the client buffers by seq), but none is doubled.
  for (const l of received.values()) assert.equal(l.length, 1000, 'no message pushed twice');
  for (const s of sockets) s.close();
});

test('the same clientMsgId sent 5 times concurrently to both pods: one message, five identical acks', async () => {
  const u = await user(pods.c.issuer);
  const room = await rest(pods.a.url, 'POST', '/rooms', u.token, { name: 'idem', memberIds: [] });
  const sa = await connect(pods.a.url, u.token);
  const sb = await connect(pods.b.url, u.token);
  const payload = { roomId: room.body.id, body: 'only once', clientMsgId: 'same-id' };
  const acks = await Promise.all([sa, sb, sa, sb, sa].map((s) => emit(s, 'message:send', payload)));
  assert.ok(acks.every((x) => x.ok));
  const first = JSON.stringify(acks[0].message);
  assert.ok(acks.every((x) => JSON.stringify(x.message) === first), 'identical acks');
  assert.equal(acks[0].message.seq, 1);
  const next = await emit(sa, 'message:send', { ...payload, clientMsgId: 'other' });
  assert.equal(next.message.seq, 2, 'no seq was burnt by the duplicates');
  const hist = await rest(pods.b.url, 'GET', `/rooms/${room.body.id}/messages?after=0`, u.token);
  assert.equal(hist.body.messages.length, 2);
  sa.close();
  sb.close();
});

test('a client that was away reconnects to the other pod and syncs exactly the 30 it missed, in order', async () => {
  const alice = await user(pods.c.issuer);
  const bob = await user(pods.c.issuer);
  const room = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: 'resume', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const sa = await connect(pods.a.url, alice.token);
  let sb = await connect(pods.a.url, bob.token);
  await emit(sa, 'message:send', { roomId, body: 'before', clientMsgId: 'r0' });
  await waitFor('bob got the first', async () => (await emit(sb, 'room:sync', { roomId, afterSeq: 0 })).messages.length === 1);
  const lastSeen = 1;
  sb.close();
  for (let i = 1; i <= 30; i++) await emit(sa, 'message:send', { roomId, body: `missed ${i}`, clientMsgId: `r${i}` });
  sb = await connect(pods.b.url, bob.token);
  const page = await emit(sb, 'room:sync', { roomId, afterSeq: lastSeen });
  assert.deepEqual(page.messages.map((m: Message) => m.body), Array.from({ length: 30 }, (_, i) => `missed ${i + 1}`));
  assert.deepEqual(page.messages.map((m: Message) => m.seq), Array.from({ length: 30 }, (_, i) => i + 2));
  assert.equal(page.hasMore, false);
  const roomView = await rest(pods.b.url, 'GET', `/rooms/${roomId}`, bob.token);
  assert.equal(roomView.body.unreadCount, 31);
  sa.close();
  sb.close();
});
