import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message, Room } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, user, useTwoPods } from './harness';

const pods = useTwoPods();

test('room:added joins the new member’s sockets on every pod live; room:removed makes them leave', async () => {
  const [admin, newbie] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const room = await rest(pods.a.url, 'POST', '/rooms', admin.token, { name: 'live', memberIds: [] });
  const roomId = room.body.id as string;
  // The newcomer is connected before being added, on both pods; no reconnect, no join call.
  const onA = await connect(pods.a.url, newbie.token);
  const onB = await connect(pods.b.url, newbie.token);
  const added: Room[] = [];
  const got: Message[] = [];
  const removed: string[] = [];
  for (const s of [onA, onB]) {
    s.on('room:added', (r: Room) => added.push(r));
    // User messages only: the `added` system message may reach a socket or not, by whether its join came first.
    s.on('message:new', (m: Message) => m.kind === 'user' && got.push(m));
    s.on('room:removed', (p: { roomId: string }) => removed.push(p.roomId));
  }
  const adminSocket = await connect(pods.a.url, admin.token);
  const updates: Room[] = [];
  adminSocket.on('room:updated', (r: Room) => updates.push(r));

  assert.equal((await rest(pods.b.url, 'POST', `/rooms/${roomId}/members`, admin.token, { userId: newbie.id })).status, 201);
  await waitFor('both sockets told', () => added.length === 2);
  assert.equal(added[0]?.id, roomId);
  assert.deepEqual(added[0]?.members.map((m) => m.userId).sort(), [admin.id, newbie.id].sort());
  await waitFor('the admin sees the new member list', () => updates.some((r) => r.members.length === 2));
  assert.equal(updates.at(-1)?.readSeq, 0, "room:updated is the receiver's own view");

  const ack = await emit(adminSocket, 'message:send', { roomId, body: 'welcome', clientMsgId: 'w1' });
  assert.equal(ack.ok, true);
  await waitFor('both sockets of the newcomer receive it', () => got.length === 2);
  assert.deepEqual(got.map((m) => m.body), ['welcome', 'welcome']);
  const mine = await emit(onB, 'message:send', { roomId, body: 'thanks', clientMsgId: 't1' });
  assert.equal(mine.message.seq, 3, 'after the `added` system message and the welcome');

  assert.equal((await rest(pods.a.url, 'DELETE', `/rooms/${roomId}/members/${newbie.id}`, admin.token)).status, 204);
  await waitFor('both sockets told of the removal', () => removed.length === 2);
  await new Promise((r) => setTimeout(r, 200));
  await emit(adminSocket, 'message:send', { roomId, body: 'after you left', clientMsgId: 'w2' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(got.filter((m) => m.body === 'after you left').length, 0, 'sockets left the room live');
  const denied = await emit(onA, 'room:sync', { roomId, afterSeq: 0 });
  assert.deepEqual([denied.ok, denied.error.code], [false, 'NOT_FOUND']);
  for (const s of [onA, onB, adminSocket]) s.close();
});

test('read receipts: room:read reaches the members, markers only move forward', async () => {
  const [alice, bob] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const room = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: 'receipts', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const sa = await connect(pods.a.url, alice.token);
  const sb = await connect(pods.b.url, bob.token);
  const receipts: unknown[] = [];
  sa.on('room:read', (p) => receipts.push(p));
  for (let i = 1; i <= 3; i++) await emit(sa, 'message:send', { roomId, body: `r${i}`, clientMsgId: `r${i}` });
  assert.equal((await emit(sb, 'room:read', { roomId, seq: 2 })).ok, true);
  await waitFor('alice sees bob read up to 2', () => receipts.length === 1);
  assert.deepEqual(receipts[0], { roomId, userId: bob.id, seq: 2 });
  await emit(sb, 'room:read', { roomId, seq: 1 });
  await waitFor('a second receipt', () => receipts.length === 2);
  assert.deepEqual(receipts[1], { roomId, userId: bob.id, seq: 2 }, 'the marker did not move back');
  const view = await rest(pods.b.url, 'GET', `/rooms/${roomId}`, bob.token);
  assert.deepEqual([view.body.readSeq, view.body.unreadCount], [2, 1]);
  sa.close();
  sb.close();
});
