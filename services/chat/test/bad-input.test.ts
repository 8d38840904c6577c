import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { Client } from 'pg';
import { clientEventSchemas } from '@converge/protocol';
import { type ChatProcess, type Cluster, connect, emit, rest, startCluster, user, type User } from './harness';

let c: Cluster;
let p: ChatProcess;
let u: User;
let roomId: string;
before(async () => {
  c = await startCluster();
  p = await c.spawn();
  u = await user(c.issuer);
  roomId = (await rest(p.url, 'POST', '/rooms', u.token, { name: 'junk', memberIds: [] })).body.id;
  await rest(p.url, 'POST', `/rooms/${roomId}/messages`, u.token, { body: 'keep me', clientMsgId: 'k' });
});
after(async () => {
  await c.close();
});

async function snapshot(): Promise<string> {
  const db = new Client({ connectionString: c.db.url });
  await db.connect();
  const r = await db.query('SELECT (SELECT json_agg(m ORDER BY room_id, seq) FROM messages m) AS m, (SELECT json_agg(r ORDER BY id) FROM rooms r) AS r, (SELECT json_agg(x ORDER BY room_id, user_id) FROM members x) AS x, (SELECT json_agg(e ORDER BY room_id, seq, emoji, user_id) FROM message_reactions e) AS e');
  await db.end();
  return JSON.stringify(r.rows);
}

const huge = 'x'.repeat(5000);
const junk = [null, 42, 'string', [], [1, 2], true, { nested: { deeper: [{}] } }];

test('every socket event answers malformed payloads with VALIDATION_FAILED or NOT_FOUND, stores nothing', async () => {
  const before = await snapshot();
  const s = await connect(p.url, u.token);
  const cases: [string, unknown, string][] = [
    ['message:send', { roomId, body: huge, clientMsgId: 'a' }, 'VALIDATION_FAILED'],
    ['message:send', { roomId, body: '   ', clientMsgId: 'a' }, 'VALIDATION_FAILED'],
    ['message:send', { roomId, body: 'x', clientMsgId: 'c'.repeat(65) }, 'VALIDATION_FAILED'],
    ['message:send', { roomId, body: 'x' }, 'VALIDATION_FAILED'],
    ['message:send', { roomId, body: 'x', clientMsgId: 'a', extra: 1 }, 'VALIDATION_FAILED'],
    ['message:send', { roomId: 'not-a-uuid', body: 'x', clientMsgId: 'a' }, 'VALIDATION_FAILED'],
    ['message:edit', { roomId, seq: 'one', body: 'x' }, 'VALIDATION_FAILED'],
    ['message:edit', { roomId, seq: 999, body: 'x' }, 'NOT_FOUND'],
    ['message:delete', { roomId, seq: -1 }, 'VALIDATION_FAILED'],
    ['room:sync', { roomId, afterSeq: 0, limit: 501 }, 'VALIDATION_FAILED'],
    ['room:sync', { roomId }, 'VALIDATION_FAILED'],
    ['room:read', { roomId, seq: 1.5 }, 'VALIDATION_FAILED'],
    ['typing', { roomId, typing: 'yes' }, 'VALIDATION_FAILED'],
    ['typing', { roomId }, 'VALIDATION_FAILED'],
    ['auth:refresh', { token: 42 }, 'VALIDATION_FAILED'],
    ['auth:refresh', { token: 'x'.repeat(5000) }, 'VALIDATION_FAILED'],
    ['auth:refresh', { token: 'not-a-jwt' }, 'UNAUTHENTICATED'],
    ['message:send', { roomId, body: { $gt: '' }, clientMsgId: 'a' }, 'VALIDATION_FAILED'],
    ['message:send', { roomId: [roomId], body: 'x', clientMsgId: 'a' }, 'VALIDATION_FAILED'],
    ['message:send', { roomId, body: 'x', clientMsgId: '' }, 'VALIDATION_FAILED'],
    ['message:edit', { roomId, seq: 1, body: huge }, 'VALIDATION_FAILED'],
    ['message:edit', { roomId, seq: 1 }, 'VALIDATION_FAILED'],
    ['message:delete', { roomId, seq: 1, also: { nested: [1] } }, 'VALIDATION_FAILED'],
    ['message:delete', { roomId: '00000000-0000-4000-8000-000000000000', seq: 1 }, 'NOT_FOUND'],
    ['room:sync', { roomId, afterSeq: '0' }, 'VALIDATION_FAILED'],
    ['room:read', { roomId, seq: -5 }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId, afterRev: -1 }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId, afterRev: '0' }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId, afterRev: 0, limit: 501 }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId, afterRev: 0, limit: 0 }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId, afterRev: 1.5 }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId, afterRev: 0, extra: 1 }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId: 'nope', afterRev: 0 }, 'VALIDATION_FAILED'],
    ['room:changes', { roomId: '00000000-0000-4000-8000-000000000000', afterRev: 0 }, 'NOT_FOUND'],
    ['reaction:add', { roomId, seq: 1 }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: '' }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: 'two words' }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: 'tab\there' }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: 'nul\u0000' }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: '\ud83d' }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: 'x'.repeat(33) }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: '👍'.repeat(33) }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: 42 }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: ['👍'] }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 0, emoji: '👍' }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: '1', emoji: '👍' }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 1, emoji: '👍', extra: true }, 'VALIDATION_FAILED'],
    ['reaction:add', { roomId, seq: 999, emoji: '👍' }, 'NOT_FOUND'],
    ['reaction:add', { roomId: '00000000-0000-4000-8000-000000000000', seq: 1, emoji: '👍' }, 'NOT_FOUND'],
    ['reaction:remove', { roomId, seq: 1, emoji: ' ' }, 'VALIDATION_FAILED'],
    ['reaction:remove', { roomId, seq: -1, emoji: '👍' }, 'VALIDATION_FAILED'],
    ['reaction:remove', { roomId, emoji: '👍' }, 'VALIDATION_FAILED'],
    ['reaction:remove', { roomId, seq: 999, emoji: '👍' }, 'NOT_FOUND'],
  ];
  for (const [event, payload, code] of cases) {
    const ack = await emit(s, event, payload);
    assert.deepEqual([ack.ok, ack.error?.code], [false, code], `${event} ${JSON.stringify(payload).slice(0, 80)}`);
  }
  for (const event of ['message:send', 'message:edit', 'message:delete', 'room:sync', 'room:changes', 'reaction:add', 'reaction:remove', 'room:read', 'typing', 'auth:refresh']) {
    for (const payload of junk) {
      const ack = await emit(s, event, payload);
      assert.equal(ack.ok, false, `${event} with ${JSON.stringify(payload)}`);
      assert.equal(ack.error.code, 'VALIDATION_FAILED');
    }
    // No ack callback at all: nothing to answer, and nothing breaks.
    s.emit(event, 'junk');
    s.emit(event);
  }
  const still = await emit(s, 'room:sync', { roomId, afterSeq: 0 });
  assert.equal(still.ok, true, 'the socket still works after all of it');
  assert.equal(await snapshot(), before);
  s.close();
});

test('every REST route answers malformed input with a 4xx and stores nothing', async () => {
  const before = await snapshot();
  const cases: [string, string, unknown, number][] = [
    ['POST', '/rooms', '{bad json', 400],
    ['POST', '/rooms', { name: 'x' }, 400],
    ['POST', '/rooms', { name: 'x', memberIds: 'all' }, 400],
    ['POST', '/rooms', { directWith: 'nobody' }, 400],
    ['POST', '/rooms', { name: 'x'.repeat(101), memberIds: [] }, 400],
    ['POST', '/rooms', { name: 'x', memberIds: [], directWith: u.id }, 400],
    ['POST', '/rooms', { name: huge.repeat(40), memberIds: [] }, 413],
    ['PATCH', `/rooms/${roomId}`, { name: '' }, 400],
    ['POST', `/rooms/${roomId}/messages`, { body: huge, clientMsgId: 'z' }, 400],
    ['POST', `/rooms/${roomId}/messages`, { body: 'x', clientMsgId: 5 }, 400],
    ['POST', `/rooms/${roomId}/messages`, [1, 2], 400],
    ['PATCH', `/rooms/${roomId}/messages/abc`, { body: 'x' }, 404],
    ['PATCH', `/rooms/${roomId}/messages/1`, { body: '' }, 400],
    ['POST', `/rooms/${roomId}/read`, { seq: 'last' }, 400],
    ['POST', `/rooms/${roomId}/members`, { userId: 'me' }, 400],
    ['GET', `/rooms/${roomId}/messages?after=1&before=3`, undefined, 400],
    ['GET', `/rooms/${roomId}/messages?limit=201`, undefined, 400],
    ['GET', `/rooms/${roomId}/messages?after=-1`, undefined, 400],
    ['GET', '/rooms/not-a-uuid', undefined, 404],
    ['POST', '/rooms', { directWith: u.id }, 400],
    ['POST', '/rooms', null, 400],
    ['POST', '/rooms', { name: 'x', memberIds: [{ nested: ['junk'] }] }, 400],
    ['PATCH', `/rooms/${roomId}`, { name: 'ok', extra: true }, 400],
    ['PATCH', `/rooms/${roomId}`, 'null', 400],
    ['POST', `/rooms/${roomId}/members`, {}, 400],
    ['POST', `/rooms/${roomId}/members`, { userId: 7 }, 400],
    ['DELETE', `/rooms/${roomId}/members/not-a-uuid`, undefined, 404],
    ['DELETE', `/rooms/${roomId}/members/00000000-0000-4000-8000-000000000000`, undefined, 404],
    ['GET', `/rooms/${roomId}/messages?after=abc`, undefined, 400],
    ['GET', `/rooms/${roomId}/messages?unknown=1`, undefined, 400],
    ['POST', `/rooms/${roomId}/messages`, { body: 'x' }, 400],
    ['POST', `/rooms/${roomId}/messages`, { body: 'x', clientMsgId: 'c'.repeat(65) }, 400],
    ['POST', `/rooms/${roomId}/messages`, 'true', 400],
    ['PATCH', `/rooms/${roomId}/messages/1`, { body: 7 }, 400],
    ['PATCH', `/rooms/${roomId}/messages/99`, { body: 'x' }, 404],
    ['DELETE', `/rooms/${roomId}/messages/-1`, undefined, 404],
    ['DELETE', `/rooms/${roomId}/messages/99`, undefined, 404],
    ['POST', `/rooms/${roomId}/read`, {}, 400],
    ['POST', `/rooms/${roomId}/read`, { seq: 1, x: 1 }, 400],
    ['GET', `/rooms/not-a-uuid/presence`, undefined, 404],
    ['GET', '/rooms/00000000-0000-4000-8000-000000000000/messages', undefined, 404],
    ['GET', `/rooms/${roomId}'; DROP TABLE messages;--`, undefined, 404],
    ['GET', `/rooms/${roomId}/changes`, undefined, 400],
    ['GET', `/rooms/${roomId}/changes?afterRev=-1`, undefined, 400],
    ['GET', `/rooms/${roomId}/changes?afterRev=abc`, undefined, 400],
    ['GET', `/rooms/${roomId}/changes?afterRev=0&limit=501`, undefined, 400],
    ['GET', `/rooms/${roomId}/changes?afterRev=0&limit=0`, undefined, 400],
    ['GET', `/rooms/${roomId}/changes?afterRev=0&unknown=1`, undefined, 400],
    ['GET', `/rooms/${roomId}/changes?afterRev=0&afterRev=1`, undefined, 400],
    ['GET', '/rooms/not-a-uuid/changes?afterRev=0', undefined, 404],
    ['GET', '/rooms/00000000-0000-4000-8000-000000000000/changes?afterRev=0', undefined, 404],
    ['PUT', `/rooms/${roomId}/messages/1/reactions/two%20words`, undefined, 400],
    ['PUT', `/rooms/${roomId}/messages/1/reactions/${'x'.repeat(33)}`, undefined, 400],
    ['PUT', `/rooms/${roomId}/messages/1/reactions/nul%00`, undefined, 400],
    ['PUT', `/rooms/${roomId}/messages/1/reactions/%ED%A0%BD`, undefined, 400],
    ['PUT', `/rooms/${roomId}/messages/1/reactions/%E0%A4%A`, undefined, 400],
    ['PUT', `/rooms/${roomId}/messages/1/reactions/tab%09`, undefined, 400],
    ['PUT', `/rooms/${roomId}/messages/abc/reactions/ok`, undefined, 404],
    ['PUT', `/rooms/${roomId}/messages/0/reactions/ok`, undefined, 404],
    ['PUT', `/rooms/${roomId}/messages/99/reactions/ok`, undefined, 404],
    ['PUT', '/rooms/not-a-uuid/messages/1/reactions/ok', undefined, 404],
    ['PUT', '/rooms/00000000-0000-4000-8000-000000000000/messages/1/reactions/ok', undefined, 404],
    ['DELETE', `/rooms/${roomId}/messages/1/reactions/two%20words`, undefined, 400],
    ['DELETE', `/rooms/${roomId}/messages/99/reactions/ok`, undefined, 404],
    ['DELETE', '/rooms/not-a-uuid/messages/1/reactions/ok', undefined, 404],
    ['POST', '/rooms', { name: 'x', memberIds: [], visibility: 'open' }, 400],
    ['POST', '/rooms', { directWith: '00000000-0000-4000-8000-000000000000', visibility: 'public' }, 400],
    ['PATCH', `/rooms/${roomId}`, {}, 400],
    ['PATCH', `/rooms/${roomId}`, { visibility: 'secret' }, 400],
    ['PATCH', `/rooms/${roomId}`, { visibility: null }, 400],
    ['PATCH', `/rooms/${roomId}`, { visibility: ['public'] }, 400],
    ['PATCH', `/rooms/${roomId}`, { visibility: 'public', extra: 1 }, 400],
    ['PATCH', '/rooms/not-a-uuid', { visibility: 'public' }, 404],
    ['PATCH', '/rooms/00000000-0000-4000-8000-000000000000', { visibility: 'public' }, 404],
    ['GET', '/rooms/public?limit=0', undefined, 400],
    ['GET', '/rooms/public?limit=51', undefined, 400],
    ['GET', '/rooms/public?limit=abc', undefined, 400],
    ['GET', `/rooms/public?search=${'x'.repeat(101)}`, undefined, 400],
    ['GET', '/rooms/public?search=a&search=b', undefined, 400],
    ['GET', '/rooms/public?cursor=', undefined, 400],
    ['GET', '/rooms/public?cursor=not-a-cursor', undefined, 400],
    ['GET', `/rooms/public?cursor=${Buffer.from('["a","not-a-uuid"]').toString('base64url')}`, undefined, 400],
    ['GET', `/rooms/public?cursor=${'x'.repeat(401)}`, undefined, 400],
    ['GET', '/rooms/public?unknown=1', undefined, 400],
    ['POST', '/rooms/not-a-uuid/join', undefined, 404],
    ['POST', '/rooms/00000000-0000-4000-8000-000000000000/join', undefined, 404],
    ['POST', `/rooms/${roomId}'--/join`, undefined, 404],
  ];
  for (const [method, path, body, status] of cases) {
    const r = await rest(p.url, method, path, u.token, body);
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)} -> ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.error.code, 'string');
  }
  assert.equal(await snapshot(), before);
});

test('10,000 random payloads over the socket: the process stays up and stored rows are unchanged', async () => {
  const before = await snapshot();
  const s = await connect(p.url, u.token);
  const events = ['message:send', 'message:edit', 'message:delete', 'room:sync', 'room:changes', 'reaction:add', 'reaction:remove', 'room:read', 'typing', 'auth:refresh'] as const;
  const payload = fc.oneof(
    fc.anything(),
    fc.record(
      {
        roomId: fc.oneof(fc.constant(roomId), fc.uuid(), fc.string()),
        body: fc.oneof(fc.string(), fc.anything()),
        clientMsgId: fc.oneof(fc.string(), fc.anything()),
        seq: fc.oneof(fc.integer(), fc.anything()),
        afterSeq: fc.oneof(fc.nat(), fc.anything()),
        afterRev: fc.oneof(fc.nat(), fc.anything()),
        emoji: fc.oneof(fc.string(), fc.anything()),
        typing: fc.anything(),
        token: fc.string(),
      },
      { requiredKeys: [] },
    ),
  );
  // A payload that is a well-formed operation on the user's own room (a real send, an edit, a
  // delete) would rightly change rows: those are not junk, so they are left out of the sample.
  const legitimate = ([e, pl]: readonly [string, unknown]) =>
    (pl as { roomId?: unknown } | null)?.roomId === roomId &&
    clientEventSchemas[e as keyof typeof clientEventSchemas].safeParse(pl).success;
  const samples = fc
    .sample(fc.tuple(fc.constantFrom(...events), payload), { numRuns: 12_000, seed: 42 })
    .filter((x) => !legitimate(x))
    .slice(0, 10_000);
  assert.equal(samples.length, 10_000);
  let answered = 0;
  for (let i = 0; i < samples.length; i += 250) {
    const batch = samples.slice(i, i + 250);
    const acks = await Promise.all(batch.map(([e, pl]) => emit(s, e, pl, 20_000).catch(() => ({ ok: 'timeout' }))));
    answered += acks.filter((a) => a.ok === false || a.ok === true).length;
    // Without an ack callback and with extra arguments too.
    for (const [e, pl] of batch.slice(0, 10)) {
      s.emit(e, pl);
      s.emit(e, pl, pl, pl);
    }
  }
  assert.equal(answered, 10_000, 'every event was answered');
  assert.equal(s.connected, true);
  assert.equal(p.child.exitCode, null, 'the process is still up');
  assert.equal((await fetch(`${p.url}/healthz`)).status, 200);
  assert.equal(await snapshot(), before, 'no stored row changed');
  s.close();
});
