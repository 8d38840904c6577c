// The changes feed over two pods: a client that was away catches up on edits, deletes and reactions
// by rev, and under contention every change takes its own rev with none skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

/** What a change looks like to a client: which message, in which state, at which rev. */
const change = (m: Message) => ({ seq: m.seq, rev: m.rev, body: m.body, deleted: m.deletedAt !== null, reactions: m.reactions });

/** The feed from `afterRev` to the end, page by page, as a client pages it. */
async function feed(s: Socket, roomId: string, afterRev: number, limit: number): Promise<{ messages: Message[]; lastRev: number }> {
  const messages: Message[] = [];
  let from = afterRev;
  for (;;) {
    const page = await emit(s, 'room:changes', { roomId, afterRev: from, limit });
    assert.equal(page.ok, true, JSON.stringify(page));
    messages.push(...page.messages);
    if (!page.hasMore) return { messages, lastRev: page.lastRev };
    from = (page.messages.at(-1) as Message).rev;
  }
}

test('A is away while B edits, deletes, reacts and sends twice; back on the other pod, room:changes from its last rev gives exactly those, in rev order, once each', async () => {
  const [a, b] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const roomId = (await rest(pods.a.url, 'POST', '/rooms', a.token, { name: 'feed', memberIds: [b.id] })).body.id as string;
  const bSocket = await connect(pods.b.url, b.token);
  for (const n of [1, 2, 3]) assert.equal((await emit(bSocket, 'message:send', { roomId, body: `m${n}`, clientMsgId: `m${n}` })).ok, true);

  // A is online first: it holds everything up to the room's rev, then goes away.
  const away = await connect(pods.a.url, a.token);
  const held = await emit(away, 'room:changes', { roomId, afterRev: 0 });
  assert.deepEqual(held.messages.map((m: Message) => [m.seq, m.rev]), [[1, 1], [2, 2], [3, 3]]);
  const lastRev = held.lastRev as number;
  assert.equal(lastRev, 3);
  away.close();

  // Someone still online hears each change live, with its rev.
  const watcher = await connect(pods.a.url, b.token);
  const live: Message[] = [];
  watcher.on('message:new', (m: Message) => live.push(m));
  watcher.on('message:updated', (m: Message) => live.push(m));

  const edited = await emit(bSocket, 'message:edit', { roomId, seq: 1, body: 'm1, edited' });
  assert.equal((await emit(bSocket, 'message:delete', { roomId, seq: 2 })).ok, true);
  const reacted = await emit(bSocket, 'reaction:add', { roomId, seq: 3, emoji: '🎉' });
  const sent = [
    await emit(bSocket, 'message:send', { roomId, body: 'm4', clientMsgId: 'm4' }),
    await emit(bSocket, 'message:send', { roomId, body: 'm5', clientMsgId: 'm5' }),
  ];
  assert.deepEqual([edited.message.rev, reacted.message.rev, ...sent.map((x) => x.message.rev)], [4, 6, 7, 8], 'each ack carries its rev');

  const expected = [
    { seq: 1, rev: 4, body: 'm1, edited', deleted: false, reactions: [] },
    { seq: 2, rev: 5, body: null, deleted: true, reactions: [] },
    { seq: 3, rev: 6, body: 'm3', deleted: false, reactions: [{ emoji: '🎉', count: 1, userIds: [b.id] }] },
    { seq: 4, rev: 7, body: 'm4', deleted: false, reactions: [] },
    { seq: 5, rev: 8, body: 'm5', deleted: false, reactions: [] },
  ];
  await waitFor('the live events', async () => live.length >= 5);
  assert.deepEqual(live.map(change), expected, 'message:new and message:updated carry the rev (the delete too)');

  // Back, on the other pod: from the last rev it held, in one page or page by page.
  const back = await connect(pods.b.url, a.token);
  const whole = await emit(back, 'room:changes', { roomId, afterRev: lastRev });
  assert.deepEqual([whole.ok, whole.hasMore, whole.lastRev], [true, false, 8]);
  assert.deepEqual(whole.messages.map(change), expected);
  const paged = await feed(back, roomId, lastRev, 2);
  assert.deepEqual(paged.messages.map(change), expected, 'pages of 2: each change once');
  assert.equal(paged.lastRev, 8);

  // REST answers the same; room.lastRev is where the feed stands; nothing is left after it.
  const rest1 = await rest(pods.a.url, 'GET', `/rooms/${roomId}/changes?afterRev=${lastRev}`, a.token);
  assert.equal(rest1.status, 200);
  assert.deepEqual(rest1.body.messages.map(change), expected);
  assert.equal((await rest(pods.b.url, 'GET', `/rooms/${roomId}`, a.token)).body.lastRev, 8);
  const after = await rest(pods.b.url, 'GET', `/rooms/${roomId}/changes?afterRev=8&limit=5`, a.token);
  assert.deepEqual(after.body, { messages: [], hasMore: false, lastRev: 8 });
  // room:sync keeps its meaning: new messages by seq.
  assert.deepEqual((await emit(back, 'room:sync', { roomId, afterSeq: 3 })).messages.map((m: Message) => m.seq), [4, 5]);
  for (const s of [bSocket, watcher, back]) s.close();
});

test('two pods, 20 clients reacting and editing at once: every change takes its own rev, 1..lastRev, no gap, none twice', async () => {
  const users: User[] = [];
  for (let i = 0; i < 20; i++) users.push(await user(pods.c.issuer));
  const owner = users[0] as User;
  const roomId = (await rest(pods.a.url, 'POST', '/rooms', owner.token, { name: 'contended', memberIds: users.slice(1).map((u) => u.id) })).body.id as string;
  const sockets: Socket[] = [];
  for (const [i, u] of users.entries()) sockets.push(await connect(i % 2 ? pods.b.url : pods.a.url, u.token));
  // An observer on each pod: what any client hears, by rev.
  const observers = [await connect(pods.a.url, owner.token), await connect(pods.b.url, owner.token)];
  const heard = observers.map(() => new Map<number, string[]>());
  observers.forEach((o, k) => {
    const note = (m: Message) => {
      const list = heard[k]?.get(m.rev) ?? [];
      list.push(JSON.stringify(change(m)));
      heard[k]?.set(m.rev, list);
    };
    o.on('message:new', note);
    o.on('message:updated', note);
  });

  // Everyone's own message first, then all at once: each client edits its message 3 times, reacts to
  // 5 others' (its own emoji, so each reaction is a change) and sends 2 more.
  for (const [i, s] of sockets.entries()) assert.equal((await emit(s, 'message:send', { roomId, body: `own ${i}`, clientMsgId: `own${i}` })).ok, true);
  const seqOf = (i: number) => i + 1;
  const acks = await Promise.all(
    sockets.map(async (s, i) => {
      const work: Promise<{ ok: boolean }>[] = [];
      for (let n = 0; n < 3; n++) work.push(emit(s, 'message:edit', { roomId, seq: seqOf(i), body: `own ${i}, edit ${n}` }));
      for (let n = 1; n <= 5; n++) work.push(emit(s, 'reaction:add', { roomId, seq: seqOf((i + n) % 20), emoji: `:u${i}:` }));
      for (let n = 0; n < 2; n++) work.push(emit(s, 'message:send', { roomId, body: `more ${i}-${n}`, clientMsgId: `more${i}-${n}` }));
      return Promise.all(work);
    }),
  );
  assert.ok(acks.flat().every((a) => a.ok), JSON.stringify(acks.flat().filter((a) => !a.ok)));
  const changes = 20 + 20 * (3 + 5 + 2);

  const room = (await rest(pods.b.url, 'GET', `/rooms/${roomId}`, owner.token)).body;
  assert.equal(room.lastRev, changes, 'one rev per change');
  for (const [k, h] of heard.entries()) {
    await waitFor(`observer ${k} to hear every change`, async () => h.size >= changes);
    assert.deepEqual([...h.keys()].sort((x, y) => x - y), Array.from({ length: changes }, (_, i) => i + 1), 'revs 1..lastRev, no gap');
    for (const [rev, seen] of h) assert.equal(new Set(seen).size, 1, `rev ${rev} named one change, heard: ${seen.join(' | ')}`);
  }

  // The feed from 0: every message once, revs rising, each in the state its last event announced.
  const all = await feed(observers[1] as Socket, roomId, 0, 17);
  assert.equal(all.messages.length, 60);
  assert.deepEqual(all.messages.map((m) => m.seq).sort((x, y) => x - y), Array.from({ length: 60 }, (_, i) => i + 1));
  const revs = all.messages.map((m) => m.rev);
  assert.ok(revs.every((r, i) => i === 0 || r > (revs[i - 1] as number)), 'rev order');
  assert.equal(revs.at(-1), changes);
  const latest = new Map<number, string>();
  for (const [, seen] of [...(heard[0] as Map<number, string[]>)].sort((x, y) => x[0] - y[0])) {
    const c = JSON.parse(seen[0] as string) as { seq: number };
    latest.set(c.seq, seen[0] as string);
  }
  for (const m of all.messages) assert.equal(JSON.stringify(change(m)), latest.get(m.seq), `message ${m.seq} as last announced`);
  for (const m of all.messages.filter((x) => x.seq <= 20)) {
    // The three edits of one client ran at once: any of them may be the last.
    assert.match(m.body ?? '', new RegExp(`^own ${m.seq - 1}, edit [012]$`), 'edited');
    assert.equal(m.reactions.length, 5, `5 clients reacted to message ${m.seq}`);
  }
  for (const s of [...sockets, ...observers]) s.close();
});
