// Public rooms and system messages on two pods: carol finds a public room by a prefix of its name and
// joins it; a private room is NOT_FOUND to her; the join, a rename and a leave are system messages every
// member receives in real time and by room:sync / room:changes, each with a seq, never unread, and nobody
// can edit or react to one.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

const gql = (base: string, token: string, query: string, variables: Record<string, unknown> = {}) =>
  rest(base, 'POST', '/graphql', token, { query, variables });

test('carol finds a public room by a prefix of its name and joins it; the join, a rename and a leave are system messages for every member, with a seq, never unread', async () => {
  const [alice, bob, carol] = [await user(pods.c.issuer), await user(pods.c.issuer), await user(pods.c.issuer)];
  const tag = randomUUID().slice(0, 8);
  const open = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: `Garden-${tag} club`, memberIds: [bob.id] });
  const secret = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: `Garden-${tag} secrets`, memberIds: [] });
  assert.deepEqual([open.status, open.body.visibility, secret.body.visibility], [201, 'private', 'private']);
  const roomId = open.body.id as string;
  await rest(pods.a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'hello', clientMsgId: 'h' });

  const aliceSocket = await connect(pods.a.url, alice.token);
  const bobSocket = await connect(pods.b.url, bob.token);
  const heard = { alice: [] as Message[], bob: [] as Message[] };
  aliceSocket.on('message:new', (m: Message) => m.roomId === roomId && heard.alice.push(m));
  bobSocket.on('message:new', (m: Message) => m.roomId === roomId && heard.bob.push(m));

  // Private: not in the directory, not joinable.
  const before = await rest(pods.b.url, 'GET', `/rooms/public?search=garden-${tag}`, carol.token);
  assert.deepEqual([before.status, before.body], [200, { rooms: [], nextCursor: null }]);
  assert.equal((await rest(pods.b.url, 'POST', `/rooms/${roomId}/join`, carol.token)).body.error?.code, 'NOT_FOUND');
  assert.equal((await rest(pods.a.url, 'PATCH', `/rooms/${roomId}`, bob.token, { visibility: 'public' })).status, 403, 'admins only');

  const madePublic = await rest(pods.a.url, 'PATCH', `/rooms/${roomId}`, alice.token, { visibility: 'public' });
  assert.deepEqual([madePublic.status, madePublic.body.visibility, madePublic.body.lastSeq], [200, 'public', 2]);

  // A prefix in another case, on the other pod.
  const found = await rest(pods.b.url, 'GET', `/rooms/public?search=${encodeURIComponent(`GARDEN-${tag.toUpperCase()} c`)}`, carol.token);
  assert.equal(found.status, 200);
  assert.deepEqual(found.body.rooms.map((r: { id: string; name: string; memberCount: number }) => [r.id, r.name, r.memberCount]), [[roomId, `Garden-${tag} club`, 2]]);
  assert.ok(!Number.isNaN(Date.parse(found.body.rooms[0].lastActivityAt)));
  assert.equal((await rest(pods.b.url, 'GET', `/rooms/public?search=garden-${tag}`, carol.token)).body.rooms.length, 1, 'the private one stays hidden');
  assert.equal((await rest(pods.b.url, 'POST', `/rooms/${secret.body.id}/join`, carol.token)).body.error?.code, 'NOT_FOUND');

  const joined = await rest(pods.b.url, 'POST', `/rooms/${roomId}/join`, carol.token);
  assert.deepEqual([joined.status, joined.body.id, joined.body.unreadCount, joined.body.readSeq], [201, roomId, 0, 3]);
  const again = await rest(pods.a.url, 'POST', `/rooms/${roomId}/join`, carol.token);
  assert.deepEqual([again.status, again.body.lastSeq], [200, 3], 'a second join changes nothing');

  const carolSocket = await connect(pods.a.url, carol.token);
  const carolHeard: Message[] = [];
  carolSocket.on('message:new', (m: Message) => m.roomId === roomId && carolHeard.push(m));
  const renamed = await rest(pods.b.url, 'PATCH', `/rooms/${roomId}`, alice.token, { name: `Garden-${tag} society` });
  assert.deepEqual([renamed.status, renamed.body.name], [200, `Garden-${tag} society`]);
  assert.equal((await rest(pods.b.url, 'PATCH', `/rooms/${roomId}`, alice.token, { name: `Garden-${tag} society` })).body.lastSeq, 4, 'the same name again stores nothing');
  await waitFor('carol hears the rename', async () => carolHeard.length >= 1);
  assert.equal((await rest(pods.a.url, 'DELETE', `/rooms/${roomId}/members/${carol.id}`, carol.token)).status, 204);

  const expected = [
    [2, 'system', alice.id, { event: 'visibility', visibility: 'public' }],
    [3, 'system', carol.id, { event: 'joined', userId: carol.id }],
    [4, 'system', alice.id, { event: 'renamed', name: `Garden-${tag} society` }],
    [5, 'system', carol.id, { event: 'left', userId: carol.id }],
  ];
  const shape = (m: Message) => [m.seq, m.kind, m.senderId, m.system];
  for (const [who, got] of Object.entries(heard)) {
    await waitFor(`${who} hears four system messages`, async () => got.length >= 4);
    assert.deepEqual(got.map(shape), expected, who);
  }
  // The rename while a member; her own leave goes to those who stay (she hears room:removed).
  assert.deepEqual(carolHeard.map(shape), [expected[2]]);

  // By seq and by rev, gap-free, the system messages among the user one.
  const synced = await emit(bobSocket, 'room:sync', { roomId, afterSeq: 0 });
  assert.deepEqual(synced.messages.map((m: Message) => [m.seq, m.kind, m.body]), [
    [1, 'user', 'hello'], [2, 'system', null], [3, 'system', null], [4, 'system', null], [5, 'system', null],
  ]);
  const changes = await emit(aliceSocket, 'room:changes', { roomId, afterRev: 1 });
  assert.deepEqual([changes.messages.map((m: Message) => [m.rev, m.seq]), changes.lastRev], [[[2, 2], [3, 3], [4, 4], [5, 5]], 5]);
  const bobView = await rest(pods.b.url, 'GET', `/rooms/${roomId}`, bob.token);
  assert.deepEqual([bobView.body.lastSeq, bobView.body.unreadCount], [5, 1], 'only alice’s hello is unread for bob');
  assert.equal((await rest(pods.b.url, 'GET', `/rooms/${roomId}`, carol.token)).body.error?.code, 'NOT_FOUND', 'carol left');
  for (const s of [aliceSocket, bobSocket, carolSocket]) s.close();
});

test('system messages refuse edits, deletes and reactions over REST, the socket and GraphQL, and stay as they were', async () => {
  const [alice, bob] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const created = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: 'immutable', memberIds: [], visibility: 'public' });
  assert.deepEqual([created.status, created.body.visibility], [201, 'public']);
  const roomId = created.body.id as string;
  assert.equal((await rest(pods.a.url, 'POST', `/rooms/${roomId}/members`, alice.token, { userId: bob.id })).status, 201);
  const socket = await connect(pods.b.url, alice.token);
  const code = (r: { body: { error?: { code?: string } } }) => r.body.error?.code;
  assert.equal(code(await rest(pods.a.url, 'PATCH', `/rooms/${roomId}/messages/1`, alice.token, { body: 'rewritten' })), 'VALIDATION_FAILED');
  assert.equal(code(await rest(pods.a.url, 'DELETE', `/rooms/${roomId}/messages/1`, alice.token)), 'VALIDATION_FAILED');
  assert.equal(code(await rest(pods.a.url, 'PUT', `/rooms/${roomId}/messages/1/reactions/${encodeURIComponent('👍')}`, bob.token)), 'VALIDATION_FAILED');
  assert.equal(code(await rest(pods.a.url, 'DELETE', `/rooms/${roomId}/messages/1/reactions/${encodeURIComponent('👍')}`, bob.token)), 'VALIDATION_FAILED');
  for (const [event, payload] of [
    ['message:edit', { roomId, seq: 1, body: 'x' }],
    ['message:delete', { roomId, seq: 1 }],
    ['reaction:add', { roomId, seq: 1, emoji: '🎉' }],
  ] as const) {
    const ack = await emit(socket, event, payload);
    assert.deepEqual([ack.ok, ack.error?.code], [false, 'VALIDATION_FAILED'], event);
  }
  const g = await gql(pods.b.url, bob.token, 'mutation($r: ID!) { addReaction(roomId: $r, seq: 1, emoji: "👍") { rev } }', { r: roomId });
  assert.equal(g.body.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
  const stored = (await rest(pods.b.url, 'GET', `/rooms/${roomId}/messages?after=0`, bob.token)).body.messages as Message[];
  assert.deepEqual(stored.map((m) => [m.seq, m.rev, m.kind, m.senderId, m.body, m.deletedAt, m.reactions, m.system]), [
    [1, 1, 'system', alice.id, null, null, [], { event: 'added', userId: bob.id }],
  ]);
  socket.close();
});

test('the directory pages by a stable cursor; GraphQL finds, joins and changes visibility like REST', async () => {
  const [owner, dana] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const tag = `pg${randomUUID().slice(0, 6)}`;
  const ids: string[] = [];
  for (const n of ['e', 'a', 'd', 'b', 'c']) {
    ids.push((await rest(pods.a.url, 'POST', '/rooms', owner.token, { name: `${tag}-${n}`, memberIds: [], visibility: 'public' })).body.id as string);
  }
  const names: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = `/rooms/public?search=${tag}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await rest(pages % 2 ? pods.a.url : pods.b.url, 'GET', q, dana.token);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    names.push(...page.body.rooms.map((r: { name: string }) => r.name));
    cursor = page.body.nextCursor;
    // A room created between pages sorts before the cursor and never shifts the pages already read.
    if (pages === 0) await rest(pods.a.url, 'POST', '/rooms', owner.token, { name: `${tag}-0`, memberIds: [], visibility: 'public' });
    pages++;
  } while (cursor && pages < 10);
  assert.deepEqual(names, ['a', 'b', 'c', 'd', 'e'].map((n) => `${tag}-${n}`));
  assert.equal(pages, 3);

  const listed = await gql(pods.b.url, dana.token, 'query($s: String) { publicRooms(search: $s, limit: 1) { rooms { id name memberCount } nextCursor } }', { s: tag.toUpperCase() });
  assert.equal(listed.body.data.publicRooms.rooms[0].name, `${tag}-0`);
  assert.equal(typeof listed.body.data.publicRooms.nextCursor, 'string');
  const roomA = ids[1] as string;
  const join = await gql(pods.a.url, dana.token, 'mutation($r: ID!) { joinRoom(roomId: $r) { id visibility unreadCount members { userId } } }', { r: roomA });
  assert.deepEqual([join.body.data.joinRoom.visibility, join.body.data.joinRoom.unreadCount, join.body.data.joinRoom.members.length], ['public', 0, 2]);
  const hidden = await gql(pods.b.url, owner.token, 'mutation($r: ID!) { setRoomVisibility(roomId: $r, visibility: "private") { visibility } }', { r: ids[0] });
  assert.equal(hidden.body.data.setRoomVisibility.visibility, 'private');
  const refused = await gql(pods.b.url, dana.token, 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: ids[0] });
  assert.equal(refused.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  const bad = await gql(pods.b.url, owner.token, 'mutation($r: ID!) { setRoomVisibility(roomId: $r, visibility: "secret") { id } }', { r: ids[0] });
  assert.equal(bad.body.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
  const history = await gql(pods.a.url, dana.token, 'query($r: ID!) { messages(roomId: $r, after: 0) { messages { seq kind system { event userId } } } }', { r: roomA });
  assert.deepEqual(history.body.data.messages.messages, [{ seq: 1, kind: 'system', system: { event: 'joined', userId: dana.id } }]);
});

test('concurrent joins, leaves and sends on two pods keep seq gap-free and each join once', async () => {
  const owner = await user(pods.c.issuer);
  const joiners: User[] = [];
  for (let i = 0; i < 10; i++) joiners.push(await user(pods.c.issuer));
  const roomId = (await rest(pods.a.url, 'POST', '/rooms', owner.token, { name: 'busy', memberIds: [], visibility: 'public' })).body.id as string;
  const work = joiners.flatMap((u, i) => [
    rest(i % 2 ? pods.a.url : pods.b.url, 'POST', `/rooms/${roomId}/join`, u.token),
    rest(i % 2 ? pods.b.url : pods.a.url, 'POST', `/rooms/${roomId}/join`, u.token),
    rest(i % 2 ? pods.a.url : pods.b.url, 'POST', `/rooms/${roomId}/messages`, owner.token, { body: `m${i}`, clientMsgId: `m${i}` }),
  ]);
  const results = await Promise.all(work);
  assert.ok(results.every((r) => r.status === 200 || r.status === 201), JSON.stringify(results.filter((r) => r.status >= 300).map((r) => r.body)));
  const left = await Promise.all(joiners.slice(0, 5).map((u, i) => rest(i % 2 ? pods.a.url : pods.b.url, 'DELETE', `/rooms/${roomId}/members/${u.id}`, u.token)));
  assert.ok(left.every((r) => r.status === 204));
  const all = (await rest(pods.a.url, 'GET', `/rooms/${roomId}/messages?after=0&limit=200`, owner.token)).body.messages as Message[];
  assert.deepEqual(all.map((m) => m.seq), Array.from({ length: 25 }, (_, i) => i + 1), '10 sends, 10 joins, 5 leaves');
  assert.equal(all.filter((m) => m.system?.event === 'joined').length, 10);
  assert.deepEqual([...all.map((m) => m.rev)].sort((x, y) => x - y), Array.from({ length: 25 }, (_, i) => i + 1));
  const view = (await rest(pods.b.url, 'GET', `/rooms/${roomId}`, joiners[9]?.token ?? '')).body;
  assert.equal(view.unreadCount, all.filter((m) => m.kind === 'user' && m.seq > view.readSeq).length, 'only user messages after the join are unread');
});
