// Reactions over REST, the socket and GraphQL, on two pods: exact counts under concurrency, idempotent
// add and remove (a repeat takes no rev and announces nothing), at most 20 emoji, members only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

async function roomWith(owner: User, others: User[]): Promise<string> {
  const r = await rest(pods.a.url, 'POST', '/rooms', owner.token, { name: 'reactions', memberIds: others.map((u) => u.id) });
  assert.equal(r.status, 201);
  return r.body.id as string;
}

async function message(token: string, roomId: string, seq: number): Promise<Message> {
  const r = await rest(pods.b.url, 'GET', `/rooms/${roomId}/messages?after=${seq - 1}&limit=1`, token);
  return r.body.messages[0] as Message;
}

const path = (roomId: string, seq: number, emoji: string) => `/rooms/${roomId}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`;

test('20 users react with the same emoji at once over two pods: count 20, each listed once, 20 revs, 20 announcements', async () => {
  const users: User[] = [];
  for (let i = 0; i < 20; i++) users.push(await user(pods.c.issuer));
  const owner = users[0] as User;
  const roomId = await roomWith(owner, users.slice(1));
  assert.equal((await rest(pods.a.url, 'POST', `/rooms/${roomId}/messages`, owner.token, { body: 'react!', clientMsgId: 'r' })).status, 201);
  const sockets: Socket[] = [];
  for (const [i, u] of users.entries()) sockets.push(await connect(i % 2 ? pods.b.url : pods.a.url, u.token));
  const updates: Message[] = [];
  sockets[1]?.on('message:updated', (m: Message) => updates.push(m));

  const acks = await Promise.all(sockets.map((s) => emit(s, 'reaction:add', { roomId, seq: 1, emoji: '👍' })));
  assert.ok(acks.every((a) => a.ok), JSON.stringify(acks.filter((a) => !a.ok)));
  const m = await message(owner.token, roomId, 1);
  assert.equal(m.reactions.length, 1);
  assert.equal(m.reactions[0]?.count, 20);
  assert.deepEqual([...(m.reactions[0]?.userIds ?? [])].sort(), users.map((u) => u.id).sort());
  assert.equal(m.rev, 21, 'the send, then one rev per reaction');
  await waitFor('20 message:updated', async () => updates.length >= 20);
  assert.deepEqual(updates.map((u) => u.rev).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 2));
  assert.deepEqual(updates.map((u) => u.reactions[0]?.count).sort((x, y) => (x ?? 0) - (y ?? 0)), Array.from({ length: 20 }, (_, i) => i + 1));
  for (const s of sockets) s.close();
});

test('the same reaction twice counts once and the repeat is silent; remove is idempotent; REST answers 204 throughout', async () => {
  const [alice, bob] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const roomId = await roomWith(alice, [bob]);
  await rest(pods.a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'hi', clientMsgId: 'h' });
  const watcher = await connect(pods.b.url, alice.token);
  const heard: Message[] = [];
  watcher.on('message:updated', (m: Message) => heard.push(m));
  const bobSocket = await connect(pods.a.url, bob.token);

  const first = await emit(bobSocket, 'reaction:add', { roomId, seq: 1, emoji: ':heart:' });
  const again = await emit(bobSocket, 'reaction:add', { roomId, seq: 1, emoji: ':heart:' });
  assert.deepEqual([first.ok, again.ok], [true, true]);
  assert.deepEqual(again.message.reactions, [{ emoji: ':heart:', count: 1, userIds: [bob.id] }]);
  assert.equal(again.message.rev, first.message.rev, 'the repeat took no rev');
  assert.equal((await rest(pods.b.url, 'PUT', path(roomId, 1, ':heart:'), bob.token)).status, 204);
  assert.equal((await rest(pods.b.url, 'PUT', path(roomId, 1, '👋🏽'), alice.token)).status, 204);
  const removed = await rest(pods.a.url, 'DELETE', path(roomId, 1, ':heart:'), bob.token);
  assert.equal(removed.status, 204);
  assert.equal((await rest(pods.b.url, 'DELETE', path(roomId, 1, ':heart:'), bob.token)).status, 204, 'removing again');
  const gone = await emit(bobSocket, 'reaction:remove', { roomId, seq: 1, emoji: ':heart:' });
  assert.deepEqual(gone.message.reactions, [{ emoji: '👋🏽', count: 1, userIds: [alice.id] }]);
  // Three changes happened (bob's add, alice's add, bob's remove): three announcements, three revs.
  await waitFor('three message:updated', async () => heard.length >= 3);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(heard.map((m) => [m.rev, m.reactions.map((x) => `${x.emoji}${x.count}`).join()]), [
    [2, ':heart:1'],
    [3, ':heart:1,👋🏽1'],
    [4, '👋🏽1'],
  ]);
  assert.equal((await message(alice.token, roomId, 1)).rev, 4);
  watcher.close();
  bobSocket.close();
});

test('a 21st distinct emoji is refused with VALIDATION_FAILED; joining one of the 20 is not; a deleted message takes none', async () => {
  const [alice, bob] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const roomId = await roomWith(alice, [bob]);
  await rest(pods.a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'full', clientMsgId: 'f' });
  for (let i = 0; i < 20; i++) assert.equal((await rest(pods.a.url, 'PUT', path(roomId, 1, `:e${i}:`), alice.token)).status, 204);
  const refused = await rest(pods.b.url, 'PUT', path(roomId, 1, ':one-too-many:'), bob.token);
  assert.deepEqual([refused.status, refused.body.error.code], [400, 'VALIDATION_FAILED']);
  const s = await connect(pods.b.url, bob.token);
  const ack = await emit(s, 'reaction:add', { roomId, seq: 1, emoji: ':one-too-many:' });
  assert.deepEqual([ack.ok, ack.error?.code], [false, 'VALIDATION_FAILED']);
  assert.equal((await emit(s, 'reaction:add', { roomId, seq: 1, emoji: ':e3:' })).ok, true);
  const m = await message(alice.token, roomId, 1);
  assert.equal(m.reactions.length, 20);
  assert.equal(m.reactions[3]?.count, 2);
  assert.deepEqual(m.reactions.map((r) => r.emoji), Array.from({ length: 20 }, (_, i) => `:e${i}:`), 'in order of first use');
  assert.equal((await rest(pods.a.url, 'DELETE', `/rooms/${roomId}/messages/1`, alice.token)).status, 204);
  assert.deepEqual((await message(alice.token, roomId, 1)).reactions, [], 'the tombstone keeps no reactions');
  const onTombstone = await emit(s, 'reaction:add', { roomId, seq: 1, emoji: '👍' });
  assert.deepEqual([onTombstone.ok, onTombstone.error?.code], [false, 'NOT_FOUND']);
  s.close();
});

test('a non-member gets NOT_FOUND over REST, the socket and GraphQL, and nothing changes', async () => {
  const [alice, eve] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const roomId = await roomWith(alice, []);
  await rest(pods.a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'private', clientMsgId: 'p' });
  assert.equal((await rest(pods.a.url, 'PUT', path(roomId, 1, '👍'), eve.token)).status, 404);
  assert.equal((await rest(pods.a.url, 'DELETE', path(roomId, 1, '👍'), eve.token)).status, 404);
  assert.equal((await rest(pods.b.url, 'GET', `/rooms/${roomId}/changes?afterRev=0`, eve.token)).status, 404);
  const s = await connect(pods.b.url, eve.token);
  for (const [event, payload] of [
    ['reaction:add', { roomId, seq: 1, emoji: '👍' }],
    ['reaction:remove', { roomId, seq: 1, emoji: '👍' }],
    ['room:changes', { roomId, afterRev: 0 }],
  ] as const) {
    const ack = await emit(s, event, payload);
    assert.deepEqual([ack.ok, ack.error?.code], [false, 'NOT_FOUND'], event);
  }
  s.close();
  const gql = await rest(pods.a.url, 'POST', '/graphql', eve.token, {
    query: 'mutation ($r: ID!) { addReaction(roomId: $r, seq: 1, emoji: "👍") { rev } }',
    variables: { r: roomId },
  });
  assert.equal(gql.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  const m = await message(alice.token, roomId, 1);
  assert.deepEqual([m.rev, m.reactions], [1, []]);
});

test('GraphQL: addReaction, removeReaction and the changes query mirror REST', async () => {
  const [alice, bob] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const roomId = await roomWith(alice, [bob]);
  await rest(pods.a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'gql', clientMsgId: 'g' });
  const gql = async (token: string, query: string) => (await rest(pods.b.url, 'POST', '/graphql', token, { query, variables: { r: roomId } })).body;
  const added = await gql(bob.token, 'mutation ($r: ID!) { addReaction(roomId: $r, seq: 1, emoji: "🚀") { rev reactions { emoji count userIds } } }');
  assert.deepEqual(added.data.addReaction, { rev: 2, reactions: [{ emoji: '🚀', count: 1, userIds: [bob.id] }] });
  const bad = await gql(bob.token, 'mutation ($r: ID!) { addReaction(roomId: $r, seq: 1, emoji: "two words") { rev } }');
  assert.equal(bad.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
  const removed = await gql(bob.token, 'mutation ($r: ID!) { removeReaction(roomId: $r, seq: 1, emoji: "🚀") { rev reactions { emoji } } }');
  assert.deepEqual(removed.data.removeReaction, { rev: 3, reactions: [] });
  const changes = await gql(alice.token, 'query ($r: ID!) { changes(roomId: $r, afterRev: 1) { lastRev hasMore messages { seq rev } } room(id: $r) { lastRev } }');
  assert.deepEqual(changes.data, { changes: { lastRev: 3, hasMore: false, messages: [{ seq: 1, rev: 3 }] }, room: { lastRev: 3 } });
  const tooMany = await gql(alice.token, 'query ($r: ID!) { changes(roomId: $r, afterRev: 0, limit: 501) { lastRev } }');
  assert.equal(tooMany.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
});
