import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Message } from '@converge/protocol';
import { type ChatProcess, type Cluster, connect, emit, rest, startCluster, user, type User } from './harness';

let c: Cluster;
let p: ChatProcess;
let admin: User;
let member: User;
let outsider: User;
let roomId: string;
before(async () => {
  c = await startCluster();
  p = await c.spawn();
  [admin, member, outsider] = [await user(c.issuer), await user(c.issuer), await user(c.issuer)];
  const r = await rest(p.url, 'POST', '/rooms', admin.token, { name: 'private', memberIds: [member.id] });
  roomId = r.body.id;
  await rest(p.url, 'POST', `/rooms/${roomId}/messages`, member.token, { body: 'secret', clientMsgId: 'm1' });
});
after(async () => {
  await c.close();
});

test('a non-member gets NOT_FOUND for the room and everything under it, over REST', async () => {
  const calls: [string, string, unknown?][] = [
    ['GET', `/rooms/${roomId}`],
    ['PATCH', `/rooms/${roomId}`, { name: 'mine now' }],
    ['GET', `/rooms/${roomId}/messages`],
    ['POST', `/rooms/${roomId}/messages`, { body: 'hi', clientMsgId: 'x' }],
    ['PATCH', `/rooms/${roomId}/messages/1`, { body: 'edited' }],
    ['DELETE', `/rooms/${roomId}/messages/1`],
    ['POST', `/rooms/${roomId}/read`, { seq: 1 }],
    ['POST', `/rooms/${roomId}/members`, { userId: outsider.id }],
    ['DELETE', `/rooms/${roomId}/members/${member.id}`],
    ['GET', `/rooms/${roomId}/presence`],
  ];
  for (const [method, path, body] of calls) {
    const r = await rest(p.url, method, path, outsider.token, body);
    assert.deepEqual([r.status, r.body?.error?.code], [404, 'NOT_FOUND'], `${method} ${path}`);
  }
  const list = await rest(p.url, 'GET', '/rooms', outsider.token);
  assert.deepEqual(list.body.rooms, []);
  const hist = await rest(p.url, 'GET', `/rooms/${roomId}/messages?after=0`, member.token);
  assert.equal(hist.body.messages.length, 1, 'nothing the outsider tried was stored');
  assert.equal(hist.body.messages[0].body, 'secret');
});

test('a non-member gets NOT_FOUND over the socket and sees no typing or messages', async () => {
  const s = await connect(p.url, outsider.token);
  const events: string[] = [];
  s.onAny((e) => events.push(e));
  for (const [event, payload] of [
    ['message:send', { roomId, body: 'hi', clientMsgId: 'y' }],
    ['message:edit', { roomId, seq: 1, body: 'x' }],
    ['message:delete', { roomId, seq: 1 }],
    ['room:sync', { roomId, afterSeq: 0 }],
    ['room:read', { roomId, seq: 1 }],
    ['typing', { roomId, typing: true }],
  ] as const) {
    const ack = await emit(s, event, payload);
    assert.deepEqual([ack.ok, ack.error?.code], [false, 'NOT_FOUND'], event);
  }
  const m = await connect(p.url, member.token);
  await new Promise((r) => setTimeout(r, 100));
  await emit(m, 'typing', { roomId, typing: true });
  await emit(m, 'message:send', { roomId, body: 'for members', clientMsgId: 'm2' });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(events, [], 'the outsider heard nothing');
  s.close();
  m.close();
});

test('only authors edit; authors or admins delete; only admins manage members', async () => {
  const sent = await rest(p.url, 'POST', `/rooms/${roomId}/messages`, member.token, { body: 'mine', clientMsgId: 'own' });
  const seq = sent.body.seq as number;
  const byAdmin = await rest(p.url, 'PATCH', `/rooms/${roomId}/messages/${seq}`, admin.token, { body: 'hijack' });
  assert.deepEqual([byAdmin.status, byAdmin.body.error.code], [403, 'FORBIDDEN']);
  const byAuthor = await rest(p.url, 'PATCH', `/rooms/${roomId}/messages/${seq}`, member.token, { body: 'fixed typo' });
  assert.equal(byAuthor.status, 200);
  assert.ok(byAuthor.body.editedAt);
  const adminDel = await rest(p.url, 'DELETE', `/rooms/${roomId}/messages/${seq}`, admin.token);
  assert.equal(adminDel.status, 204);
  const tomb = await rest(p.url, 'GET', `/rooms/${roomId}/messages?after=${seq - 1}&limit=1`, member.token);
  const m = tomb.body.messages[0] as Message;
  assert.deepEqual([m.seq, m.body, typeof m.deletedAt], [seq, null, 'string'], 'the tombstone keeps its seq');

  const add = await rest(p.url, 'POST', `/rooms/${roomId}/members`, member.token, { userId: outsider.id });
  assert.deepEqual([add.status, add.body.error.code], [403, 'FORBIDDEN']);
  const rename = await rest(p.url, 'PATCH', `/rooms/${roomId}`, member.token, { name: 'x' });
  assert.equal(rename.status, 403);
  const added = await rest(p.url, 'POST', `/rooms/${roomId}/members`, admin.token, { userId: outsider.id });
  assert.deepEqual([added.status, added.body], [201, { userId: outsider.id, role: 'member' }]);
  const again = await rest(p.url, 'POST', `/rooms/${roomId}/members`, admin.token, { userId: outsider.id });
  assert.deepEqual([again.status, again.body.error.code], [409, 'CONFLICT']);
  assert.equal((await rest(p.url, 'GET', `/rooms/${roomId}`, outsider.token)).status, 200);
  const leave = await rest(p.url, 'DELETE', `/rooms/${roomId}/members/${outsider.id}`, outsider.token);
  assert.equal(leave.status, 204);
  assert.equal((await rest(p.url, 'GET', `/rooms/${roomId}`, outsider.token)).status, 404);
});

test('DMs are idempotent per pair and cannot gain members', async () => {
  const a = await rest(p.url, 'POST', '/rooms', admin.token, { directWith: outsider.id });
  assert.equal(a.status, 201);
  const b = await rest(p.url, 'POST', '/rooms', outsider.token, { directWith: admin.id });
  assert.deepEqual([b.status, b.body.id], [200, a.body.id]);
  assert.equal(a.body.kind, 'direct');
  const add = await rest(p.url, 'POST', `/rooms/${a.body.id}/members`, admin.token, { userId: member.id });
  assert.deepEqual([add.status, add.body.error.code], [403, 'FORBIDDEN']);
});

test('a bad or missing token is refused at the socket handshake with UNAUTHENTICATED', async () => {
  await assert.rejects(connect(p.url, 'garbage'), /UNAUTHENTICATED/);
  await assert.rejects(connect(p.url, ''), /UNAUTHENTICATED/);
  const expired = await c.issuer.token(member.id, -60);
  await assert.rejects(connect(p.url, expired), /UNAUTHENTICATED/);
  assert.equal((await rest(p.url, 'GET', '/rooms', 'garbage')).status, 401);
});

test('read markers move forward only, and unread counts follow them', async () => {
  const r = await rest(p.url, 'POST', '/rooms', admin.token, { name: 'reads', memberIds: [member.id] });
  for (let i = 0; i < 3; i++) await rest(p.url, 'POST', `/rooms/${r.body.id}/messages`, admin.token, { body: `n${i}`, clientMsgId: `n${i}` });
  assert.equal((await rest(p.url, 'GET', `/rooms/${r.body.id}`, member.token)).body.unreadCount, 3);
  assert.equal((await rest(p.url, 'GET', `/rooms/${r.body.id}`, admin.token)).body.unreadCount, 0, "one's own messages are read");
  await rest(p.url, 'POST', `/rooms/${r.body.id}/read`, member.token, { seq: 2 });
  await rest(p.url, 'POST', `/rooms/${r.body.id}/read`, member.token, { seq: 1 });
  const view = (await rest(p.url, 'GET', `/rooms/${r.body.id}`, member.token)).body;
  assert.deepEqual([view.readSeq, view.unreadCount], [2, 1]);
  const rooms = (await rest(p.url, 'GET', '/rooms', member.token)).body.rooms as { id: string }[];
  assert.equal(rooms[0]?.id, r.body.id, 'most recent activity first');
});

test('a socket whose token expires is disconnected with UNAUTHENTICATED unless it refreshed first', async () => {
  const shortLived = await c.issuer.token(member.id, 2);
  const s1 = await connect(p.url, shortLived);
  const s2 = await connect(p.url, shortLived);
  const expired = new Promise<string>((resolve) => s1.on('auth:expired', (e: { code: string }) => resolve(e.code)));
  const gone = new Promise<void>((resolve) => s1.on('disconnect', () => resolve()));
  const refreshed = await emit(s2, 'auth:refresh', { token: await c.issuer.token(member.id, 600) });
  assert.equal(refreshed.ok, true);
  const stolen = await emit(s2, 'auth:refresh', { token: await c.issuer.token(outsider.id, 600) });
  assert.deepEqual([stolen.ok, stolen.error.code], [false, 'UNAUTHENTICATED']);
  assert.equal(await expired, 'UNAUTHENTICATED');
  await gone;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(s2.connected, true, 'the refreshed socket stays');
  s1.close();
  s2.close();
});
