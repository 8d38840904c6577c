import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Client, createClient } from 'graphql-ws';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { waitFor } from '@converge/testing';
import { printChatSchema } from '../src/transport/graphql/schema';
import { type ChatProcess, type Cluster, rest, startCluster, user, type User } from './harness';

let c: Cluster;
let a: ChatProcess;
let b: ChatProcess;
let alice: User;
let bob: User;
let outsider: User;
let roomId: string;
const clients: Client[] = [];
before(async () => {
  c = await startCluster();
  [a, b] = await Promise.all([c.spawn(), c.spawn()]);
  [alice, bob, outsider] = [await user(c.issuer), await user(c.issuer), await user(c.issuer)];
  roomId = (await rest(a.url, 'POST', '/rooms', alice.token, { name: 'gql', memberIds: [bob.id] })).body.id;
});
after(async () => {
  await Promise.all(clients.map((x) => x.dispose()));
  await c.close();
});

type GqlResult = { data?: any; errors?: { message: string; extensions: { code: string } }[] };

async function gql(base: string, query: string, variables: Record<string, unknown>, token?: string, path = '/graphql'): Promise<GqlResult> {
  const r = await rest(base, 'POST', path, token ?? '', { query, variables });
  return r.body as GqlResult;
}

function wsClient(base: string, token: string, path = '/graphql'): Client {
  const client = createClient({
    url: base.replace('http', 'ws') + path,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  clients.push(client);
  return client;
}

/** Collects a subscription's results until disposed. */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const got: GqlResult[] = [];
  let ended: unknown;
  const dispose = client.subscribe(
    { query, variables },
    { next: (v) => void got.push(v as GqlResult), error: (e) => void (ended = e ?? 'error'), complete: () => void (ended ??= 'complete') },
  );
  return { got, dispose, ended: () => ended };
}

const MESSAGE_FIELDS = 'id roomId seq senderId senderName body clientMsgId createdAt editedAt deletedAt rev reactions { emoji count userIds } kind system { event userId name visibility }';

test('the committed schema.graphql matches the resolvers', async () => {
  const committed = readFileSync(join(__dirname, '../../schema.graphql'), 'utf8');
  assert.equal(committed, await printChatSchema(), 'schema.graphql is stale: run `npm run schema -w @converge/chat`');
});

test('queries and mutations behave like REST, on /graphql and /chat/graphql', async () => {
  const created = await gql(a.url, 'mutation($n: String!, $m: [ID!]!) { createRoom(name: $n, memberIds: $m) { id name kind members { userId role } } }', {
    n: 'made over graphql',
    m: [bob.id],
  }, alice.token);
  const room = created.data.createRoom;
  assert.deepEqual([room.name, room.kind, room.members.length], ['made over graphql', 'group', 2]);
  const sent = await gql(b.url, `mutation($r: ID!) { sendMessage(roomId: $r, body: "hello", clientMsgId: "g1") { ${MESSAGE_FIELDS} } }`, { r: room.id }, bob.token, '/chat/graphql');
  assert.equal(sent.data.sendMessage.seq, 1);
  const again = await gql(a.url, `mutation($r: ID!) { sendMessage(roomId: $r, body: "hello", clientMsgId: "g1") { ${MESSAGE_FIELDS} } }`, { r: room.id }, bob.token);
  assert.deepEqual(again.data.sendMessage, sent.data.sendMessage, 'a retried send returns the stored message');
  const rest1 = await rest(a.url, 'GET', `/rooms/${room.id}/messages?after=0`, alice.token);
  assert.deepEqual(rest1.body.messages[0], sent.data.sendMessage, 'the same message as REST shows');

  const edited = await gql(a.url, 'mutation($r: ID!) { editMessage(roomId: $r, seq: 1, body: "hello!") { body editedAt } }', { r: room.id }, bob.token);
  assert.equal(edited.data.editMessage.body, 'hello!');
  const page = await gql(a.url, 'query($r: ID!) { messages(roomId: $r, after: 0, limit: 10) { hasMore messages { seq body } } }', { r: room.id }, alice.token);
  assert.deepEqual(page.data.messages, { hasMore: false, messages: [{ seq: 1, body: 'hello!' }] });
  assert.equal((await gql(a.url, 'mutation($r: ID!) { markRead(roomId: $r, seq: 1) }', { r: room.id }, alice.token)).data.markRead, true);
  const listed = await gql(a.url, '{ rooms { id unreadCount readSeq lastSeq } }', {}, alice.token);
  assert.deepEqual(listed.data.rooms[0], { id: room.id, unreadCount: 0, readSeq: 1, lastSeq: 1 });
  const renamed = await gql(a.url, 'mutation($r: ID!) { renameRoom(roomId: $r, name: "renamed") { name } }', { r: room.id }, alice.token);
  assert.equal(renamed.data.renameRoom.name, 'renamed');
  const added = await gql(a.url, 'mutation($r: ID!, $u: ID!) { addMember(roomId: $r, userId: $u) { userId role } }', { r: room.id, u: outsider.id }, alice.token);
  assert.deepEqual(added.data.addMember, { userId: outsider.id, role: 'member' });
  const left = await gql(a.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u) }', { r: room.id, u: outsider.id }, outsider.token);
  assert.equal(left.data.removeMember, true);
  assert.equal((await gql(a.url, 'mutation($r: ID!) { deleteMessage(roomId: $r, seq: 1) }', { r: room.id }, alice.token)).data.deleteMessage, true, 'admins delete');
  const one = await gql(a.url, 'query($r: ID!) { room(id: $r) { lastSeq } presence(roomId: $r) { userId online } }', { r: room.id }, bob.token);
  assert.equal(one.data.room.lastSeq, 4, 'the message, then the rename, the add and the leave as system messages');
  assert.equal(one.data.presence.length, 2);
  const dm = await gql(a.url, 'mutation($u: ID!) { createDirectRoom(userId: $u) { id kind } }', { u: bob.id }, alice.token);
  const dm2 = await gql(b.url, 'mutation($u: ID!) { createDirectRoom(userId: $u) { id kind } }', { u: alice.id }, bob.token);
  assert.equal(dm.data.createDirectRoom.id, dm2.data.createDirectRoom.id);
});

test('GraphQL errors carry the contract codes: a non-member gets NOT_FOUND for queries and mutations', async () => {
  const cases: [string, Record<string, unknown>, string | undefined, string][] = [
    ['{ rooms { id } }', {}, undefined, 'UNAUTHENTICATED'],
    ['{ rooms { id } }', {}, 'garbage', 'UNAUTHENTICATED'],
    ['query($r: ID!) { room(id: $r) { id } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['query($r: ID!) { messages(roomId: $r) { hasMore } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['query($r: ID!) { presence(roomId: $r) { online } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { sendMessage(roomId: $r, body: "x", clientMsgId: "o") { seq } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { editMessage(roomId: $r, seq: 1, body: "x") { seq } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { deleteMessage(roomId: $r, seq: 1) }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { markRead(roomId: $r, seq: 1) }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { renameRoom(roomId: $r, name: "x") { id } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!, $u: ID!) { addMember(roomId: $r, userId: $u) { role } }', { r: roomId, u: outsider.id }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { renameRoom(roomId: $r, name: "x") { id } }', { r: roomId }, bob.token, 'FORBIDDEN'],
    ['mutation($r: ID!) { sendMessage(roomId: $r, body: "   ", clientMsgId: "o") { seq } }', { r: roomId }, bob.token, 'VALIDATION_FAILED'],
    ['mutation($r: ID!) { sendMessage(roomId: $r, body: 5, clientMsgId: "o") { seq } }', { r: roomId }, bob.token, 'VALIDATION_FAILED'],
    ['mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation { joinRoom(roomId: "nope") { id } }', {}, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { setRoomVisibility(roomId: $r, visibility: "public") { id } }', { r: roomId }, outsider.token, 'NOT_FOUND'],
    ['mutation($r: ID!) { setRoomVisibility(roomId: $r, visibility: "public") { id } }', { r: roomId }, bob.token, 'FORBIDDEN'],
    ['mutation($r: ID!) { setRoomVisibility(roomId: $r, visibility: "everyone") { id } }', { r: roomId }, bob.token, 'VALIDATION_FAILED'],
    ['{ publicRooms(limit: 51) { nextCursor } }', {}, bob.token, 'VALIDATION_FAILED'],
    ['{ publicRooms(limit: 0) { nextCursor } }', {}, bob.token, 'VALIDATION_FAILED'],
    ['{ publicRooms(cursor: "garbage") { nextCursor } }', {}, bob.token, 'VALIDATION_FAILED'],
    ['{ publicRooms(limit: "ten") { nextCursor } }', {}, bob.token, 'VALIDATION_FAILED'],
    ['{ publicRooms { nextCursor } }', {}, undefined, 'UNAUTHENTICATED'],
    ['{ nope }', {}, bob.token, 'VALIDATION_FAILED'],
    ['{ rooms { ', {}, bob.token, 'VALIDATION_FAILED'],
  ];
  for (const [query, variables, token, code] of cases) {
    const r = await gql(a.url, query, variables, token);
    assert.equal(r.errors?.[0]?.extensions.code, code, `${query} -> ${JSON.stringify(r)}`);
  }
});

test('subscriptions messageAdded and messageUpdated over graphql-ws reach members on every pod, and only members', async () => {
  const onA = collect(wsClient(a.url, bob.token), `subscription($r: ID!) { messageAdded(roomId: $r) { seq body senderId } }`, { r: roomId });
  const onB = collect(wsClient(b.url, bob.token, '/chat/graphql'), `subscription($r: ID!) { messageUpdated(roomId: $r) { seq body deletedAt } }`, { r: roomId });
  const spy = collect(wsClient(a.url, outsider.token), `subscription($r: ID!) { messageAdded(roomId: $r) { seq body } }`, { r: roomId });
  await waitFor('the outsider refused', () => spy.got.length > 0 || spy.ended() !== undefined);
  assert.equal(spy.got[0]?.errors?.[0]?.extensions.code, 'NOT_FOUND');

  // The subscription is live once a message sent afterwards arrives; keep sending until one does.
  let n = 0;
  await waitFor('live', async () => {
    await rest(b.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: `warm-up ${++n}`, clientMsgId: `w${n}` });
    await new Promise((r) => setTimeout(r, 100));
    return onA.got.length > 0;
  });
  const sent = await rest(b.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'over pods', clientMsgId: 'sub-1' });
  await waitFor('messageAdded', () => onA.got.some((g) => g.data?.messageAdded?.body === 'over pods'));
  assert.deepEqual(onA.got.find((g) => g.data?.messageAdded?.body === 'over pods')?.data.messageAdded, {
    seq: sent.body.seq,
    body: 'over pods',
    senderId: alice.id,
  });
  await waitFor('messageUpdated live', async () => {
    await rest(a.url, 'PATCH', `/rooms/${roomId}/messages/${sent.body.seq}`, alice.token, { body: 'edited' });
    await new Promise((r) => setTimeout(r, 100));
    return onB.got.length > 0;
  });
  await rest(a.url, 'DELETE', `/rooms/${roomId}/messages/${sent.body.seq}`, alice.token);
  await waitFor('the tombstone', () => onB.got.some((g) => g.data?.messageUpdated?.deletedAt));
  assert.deepEqual(onB.got.at(-1)?.data.messageUpdated.body, null);
  onA.dispose();
  onB.dispose();
});

test('a subscription ends when its subscriber leaves the room', async () => {
  const dora = await user(c.issuer);
  await rest(a.url, 'POST', `/rooms/${roomId}/members`, alice.token, { userId: dora.id });
  const sub = collect(wsClient(b.url, dora.token), 'subscription($r: ID!) { messageAdded(roomId: $r) { seq } }', { r: roomId });
  let n = 0;
  await waitFor('live', async () => {
    await rest(a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: `to dora ${++n}`, clientMsgId: `dora-${n}` });
    await new Promise((r) => setTimeout(r, 100));
    return sub.got.length > 0;
  });
  assert.equal((await rest(a.url, 'DELETE', `/rooms/${roomId}/members/${dora.id}`, alice.token)).status, 204);
  await waitFor('the subscription completed', () => sub.ended() === 'complete');
  const count = sub.got.length;
  await rest(a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'not for dora', clientMsgId: 'dora-after' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sub.got.length, count, 'nothing after leaving');
});

test('a graphql-ws connection without a valid token is refused', async () => {
  const bad = collect(wsClient(a.url, 'garbage'), '{ rooms { id } }', {});
  await waitFor('refused', () => bad.ended() !== undefined);
  assert.equal(bad.got.length, 0);
});

test('sends to a room without a GraphQL subscriber publish nothing for GraphQL; a subscriber on the other pod hears the next ones', async () => {
  const quiet = (await rest(a.url, 'POST', '/rooms', alice.token, { name: 'no subscribers', memberIds: [bob.id] })).body.id as string;
  const watcher = new Redis(c.redis.url);
  const monitor = await watcher.monitor();
  const published: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'publish' && args[1]?.startsWith('converge-chat:gql:messageAdded:')) published.push(args[1]);
  });
  try {
    for (let i = 0; i < 5; i++) await rest(b.url, 'POST', `/rooms/${quiet}/messages`, alice.token, { body: `unheard ${i}`, clientMsgId: `q${i}` });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(published.length, 0, 'no GraphQL publish for a room nobody subscribes to');

    const sub = collect(wsClient(a.url, bob.token), 'subscription($r: ID!) { messageAdded(roomId: $r) { body } }', { r: quiet });
    let n = 0;
    await waitFor('the subscriber on pod A hears a send through pod B', async () => {
      await rest(b.url, 'POST', `/rooms/${quiet}/messages`, alice.token, { body: `heard ${++n}`, clientMsgId: `h${n}` });
      await new Promise((r) => setTimeout(r, 50));
      return sub.got.length > 0;
    });
    assert.ok(n <= 3, `announced within a few sends (${n})`);
    assert.ok(published.every((ch) => ch.endsWith(quiet)));
    sub.dispose();
  } finally {
    monitor.disconnect();
    watcher.disconnect();
  }
});
