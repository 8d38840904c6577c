import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { MemberRole } from '@converge/protocol';
import type { MessageRepository, NewRoom, RoomRepository } from './ports';

export interface Repositories {
  rooms: RoomRepository;
  messages: MessageRepository;
  /** Releases what the factory made (a pool, a database). */
  close(): Promise<void>;
}

/**
 * What every implementation of the repository ports promises, as one suite: it runs over the
 * in-memory fakes (ports.fakes.ts) and over PostgreSQL (persistence/), so the fake the domain tests
 * rely on cannot drift from the real thing.
 */
export function repositoryContract(name: string, make: () => Promise<Repositories>): void {
  describe(`repository contract: ${name}`, () => {
    let r: Repositories;
    before(async () => {
      r = await make();
    });
    after(async () => {
      await r.close();
    });

    const group = (members: [string, MemberRole][], directKey: string | null = null): NewRoom => ({
      id: randomUUID(),
      name: directKey ? '' : 'team',
      kind: directKey ? 'direct' : 'group',
      directKey,
      visibility: 'private',
      members: members.map(([userId, role]) => ({ userId, role })),
    });
    const code = async (p: Promise<unknown>) => p.then(() => undefined, (e: { code?: string }) => e.code);

    test('a new room is seen by its members only, members in the order listed, each unknown to the directory', async () => {
      const [a, b, c, eve] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const room = group([[a, 'admin'], [b, 'member'], [c, 'member']]);
      const view = await r.rooms.createRoom(room, a);
      assert.ok(view);
      assert.deepEqual(
        { ...view, createdAt: undefined },
        {
          id: room.id, name: 'team', kind: 'group', visibility: 'private', createdAt: undefined, lastSeq: 0, lastRev: 0, unreadCount: 0, readSeq: 0,
          members: [
            { userId: a, role: 'admin', displayName: null },
            { userId: b, role: 'member', displayName: null },
            { userId: c, role: 'member', displayName: null },
          ],
        },
      );
      assert.ok(!Number.isNaN(Date.parse(view.createdAt)));
      assert.equal(await r.rooms.roomFor(room.id, eve), undefined);
      assert.equal(await r.rooms.roomFor(randomUUID(), a), undefined);
      assert.deepEqual(await r.rooms.membershipOf(room.id, a), { role: 'admin', kind: 'group' });
      assert.equal(await r.rooms.membershipOf(room.id, eve), undefined);
      assert.deepEqual((await r.rooms.memberIds(room.id)).sort(), [a, b, c].sort());
      assert.deepEqual(await r.rooms.roomIdsOf(b), [room.id]);
      const renamed = await r.rooms.updateRoom(room.id, a, { name: 'renamed' });
      assert.deepEqual(renamed?.map((m) => [m.seq, m.kind, m.system, m.senderId]), [[1, 'system', { event: 'renamed', name: 'renamed' }, a]]);
      assert.equal((await r.rooms.roomFor(room.id, c))?.name, 'renamed');
      assert.deepEqual(await r.rooms.updateRoom(room.id, a, { name: 'renamed', visibility: 'private' }), [], 'no change, no message');
      assert.equal(await r.rooms.updateRoom(randomUUID(), a, { name: 'x' }), undefined);
    });

    test('a DM is unique per pair: the second create answers undefined, findDirect finds it for its members only', async () => {
      const [a, b, eve] = [randomUUID(), randomUUID(), randomUUID()];
      const key = `${a}:${b}`;
      const dm = await r.rooms.createRoom(group([[a, 'member'], [b, 'member']], key), a);
      assert.equal(dm?.kind, 'direct');
      assert.equal(await r.rooms.createRoom(group([[b, 'member'], [a, 'member']], key), b), undefined);
      assert.equal((await r.rooms.findDirect(key, b))?.id, dm?.id);
      assert.equal(await r.rooms.findDirect(key, eve), undefined);
      assert.equal(await r.rooms.findDirect(`${eve}:${a}`, a), undefined);
    });

    test('membership: adding twice is CONFLICT, removing answers whether someone left, a removed member sees nothing', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const room = group([[a, 'admin']]);
      await r.rooms.createRoom(room, a);
      const added = await r.rooms.addMember(room.id, b, 'member', a);
      assert.deepEqual([added.seq, added.rev, added.senderId, added.system], [1, 1, a, { event: 'added', userId: b }]);
      assert.deepEqual(await r.rooms.membershipOf(room.id, b), { role: 'member', kind: 'group' });
      assert.equal(await code(r.rooms.addMember(room.id, b, 'member', a)), 'CONFLICT');
      assert.deepEqual((await r.rooms.roomFor(room.id, a))?.members.map((m) => m.userId), [a, b]);
      assert.equal((await r.rooms.roomFor(room.id, b))?.unreadCount, 0, 'a system message is never unread');
      assert.deepEqual((await r.rooms.removeMember(room.id, b, b))?.system, { event: 'left', userId: b });
      assert.equal(await r.rooms.removeMember(room.id, b, a), undefined);
      assert.deepEqual((await r.messages.after(room.id, 0, 10)).map((m) => [m.seq, m.system?.event]), [[1, 'added'], [2, 'left']]);
      assert.equal(await r.rooms.roomFor(room.id, b), undefined);
      assert.deepEqual(await r.rooms.roomIdsOf(b), []);
      assert.equal(await r.messages.send(room.id, b, 'x', 'c'), undefined, 'a former member cannot send');
    });

    test('public rooms: only public groups can be joined (once), the directory finds them by a case-insensitive prefix, in keyset pages', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const tag = randomUUID().slice(0, 8);
      const make = async (name: string) => {
        const room = { ...group([[a, 'admin']]), name };
        await r.rooms.createRoom(room, a);
        return room.id;
      };
      const ids = [await make(`Zq${tag} one`), await make(`zq${tag} two`), await make(`zQ${tag}%three`)];
      const hidden = await make(`zq${tag} private`);
      for (const id of ids) await r.rooms.updateRoom(id, a, { visibility: 'public' });
      assert.deepEqual(await r.rooms.join(hidden, b), { outcome: 'not_found' });
      assert.deepEqual(await r.rooms.join(hidden, a), { outcome: 'member' }, 'a member of a private room knows it');
      assert.deepEqual(await r.rooms.join(randomUUID(), b), { outcome: 'not_found' });
      const joined = await r.rooms.join(ids[0] ?? '', b);
      assert.equal(joined.outcome, 'joined');
      assert.deepEqual(joined.outcome === 'joined' && [joined.message.seq, joined.message.senderId, joined.message.system], [2, b, { event: 'joined', userId: b }]);
      assert.deepEqual(await r.rooms.join(ids[0] ?? '', b), { outcome: 'member' });
      assert.deepEqual([(await r.rooms.roomFor(ids[0] ?? '', b))?.readSeq, (await r.rooms.roomFor(ids[0] ?? '', b))?.unreadCount], [2, 0]);

      const all = await r.rooms.publicRooms({ prefix: `zq${tag}`, after: undefined, limit: 10 });
      // By the lower-cased name in byte order (" " is 0x20, "%" 0x25).
      assert.deepEqual(all.map((x) => x.name), [`Zq${tag} one`, `zq${tag} two`, `zQ${tag}%three`]);
      assert.deepEqual(all.map((x) => x.memberCount), [2, 1, 1]);
      const first = await r.rooms.publicRooms({ prefix: `zq${tag}`, after: undefined, limit: 2 });
      const rest = await r.rooms.publicRooms({ prefix: `zq${tag}`, after: first[1]?.key, limit: 2 });
      assert.deepEqual([...first, ...rest].map((x) => x.id), all.map((x) => x.id));
      assert.deepEqual((await r.rooms.publicRooms({ prefix: `zq${tag}%`, after: undefined, limit: 10 })).map((x) => x.id), [ids[2]], '% is a character, not a wildcard');
      assert.deepEqual(await r.rooms.publicRooms({ prefix: `zq${tag}_`, after: undefined, limit: 10 }), [], '_ is a character too');
    });

    test('sends take gap-free seqs, a retried clientMsgId stores nothing, non-members and unknown rooms get undefined', async () => {
      const [a, b, eve] = [randomUUID(), randomUUID(), randomUUID()];
      const room = group([[a, 'admin'], [b, 'member']]);
      await r.rooms.createRoom(room, a);
      const first = await r.messages.send(room.id, a, 'hi', 'c1');
      const retry = await r.messages.send(room.id, a, 'hi again', 'c1');
      const other = await r.messages.send(room.id, b, 'yo', 'c1');
      assert.deepEqual([first?.created, retry?.created, other?.created], [true, false, true]);
      assert.deepEqual([first?.message.seq, retry?.message.seq, other?.message.seq], [1, 1, 2]);
      assert.equal(retry?.message.id, first?.message.id);
      assert.equal(retry?.message.body, 'hi', 'the retry answers the stored message');
      assert.deepEqual(
        { ...first?.message, id: undefined, createdAt: undefined },
        { id: undefined, roomId: room.id, seq: 1, senderId: a, body: 'hi', clientMsgId: 'c1', createdAt: undefined, editedAt: null, deletedAt: null, rev: 1, reactions: [], kind: 'user', system: null, senderName: null },
      );
      assert.equal(await r.messages.send(room.id, eve, 'x', 'c9'), undefined);
      assert.equal(await r.messages.send(randomUUID(), a, 'x', 'c9'), undefined);
      assert.equal((await r.rooms.roomFor(room.id, a))?.lastSeq, 2);
    });

    test('concurrent sends to one room get seqs 1..n with no gap, and concurrent retries make one message', async () => {
      const a = randomUUID();
      const room = group([[a, 'admin']]);
      await r.rooms.createRoom(room, a);
      const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => r.messages.send(room.id, a, `m${i}`, `k${i}`)));
      assert.deepEqual(sent.map((s) => s?.message.seq).sort((x, y) => (x ?? 0) - (y ?? 0)), Array.from({ length: 20 }, (_, i) => i + 1));
      const retries = await Promise.all(Array.from({ length: 5 }, () => r.messages.send(room.id, a, 'same', 'once')));
      assert.deepEqual(new Set(retries.map((s) => s?.message.seq)), new Set([21]));
      assert.equal(retries.filter((s) => s?.created).length, 1);
      assert.equal((await r.messages.after(room.id, 0, 100)).length, 21);
    });

    test('edits change the body; a delete leaves a tombstone with its seq; a tombstone cannot be edited', async () => {
      const a = randomUUID();
      const room = group([[a, 'admin']]);
      await r.rooms.createRoom(room, a);
      await r.messages.send(room.id, a, 'one', 'c1');
      await r.messages.send(room.id, a, 'two', 'c2');
      const edited = await r.messages.edit(room.id, 1, 'ONE');
      assert.equal(edited.body, 'ONE');
      assert.ok(edited.editedAt && !Number.isNaN(Date.parse(edited.editedAt)));
      assert.equal((await r.messages.message(room.id, 1))?.body, 'ONE');
      const gone = await r.messages.softDelete(room.id, 2);
      assert.deepEqual([gone?.seq, gone?.body, typeof gone?.deletedAt], [2, null, 'string']);
      assert.equal(await r.messages.softDelete(room.id, 2), undefined, 'deleting twice changes nothing');
      assert.equal((await r.messages.message(room.id, 2))?.deletedAt, gone?.deletedAt, 'the first deletion time stays');
      assert.equal(await code(r.messages.edit(room.id, 2, 'back')), 'NOT_FOUND');
      assert.equal(await code(r.messages.edit(room.id, 99, 'x')), 'NOT_FOUND');
      assert.equal(await r.messages.softDelete(room.id, 99), undefined);
      assert.equal(await r.messages.message(room.id, 99), undefined);
      assert.deepEqual((await r.messages.after(room.id, 0, 10)).map((m) => [m.seq, m.body]), [[1, 'ONE'], [2, null]]);
    });

    test('every change takes the next rev; the feed answers each changed message once, latest state, in rev order', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const room = group([[a, 'admin'], [b, 'member']]);
      await r.rooms.createRoom(room, a);
      const revs = [(await r.messages.send(room.id, a, 'one', 'c1'))?.message.rev, (await r.messages.send(room.id, a, 'two', 'c2'))?.message.rev];
      assert.equal((await r.messages.send(room.id, a, 'one', 'c1'))?.message.rev, 1, 'a retried send takes no rev');
      revs.push((await r.messages.edit(room.id, 1, 'ONE')).rev);
      revs.push((await r.messages.softDelete(room.id, 2))?.rev);
      revs.push((await r.messages.react(room.id, 1, b, '👍', 'add')).message.rev);
      assert.deepEqual(revs, [1, 2, 3, 4, 5]);
      const repeat = await r.messages.react(room.id, 1, b, '👍', 'add');
      assert.deepEqual([repeat.changed, repeat.message.rev], [false, 5], 'a repeat takes no rev');
      assert.equal(await r.messages.softDelete(room.id, 2), undefined);
      assert.equal((await r.rooms.roomFor(room.id, b))?.lastRev, 5);
      const feed = await r.messages.changes(room.id, 0, 10);
      assert.equal(feed.lastRev, 5);
      assert.deepEqual(feed.messages.map((m) => [m.seq, m.rev, m.body]), [[2, 4, null], [1, 5, 'ONE']]);
      assert.deepEqual(feed.messages[1]?.reactions, [{ emoji: '👍', count: 1, userIds: [b] }]);
      assert.deepEqual((await r.messages.changes(room.id, 4, 10)).messages.map((m) => m.seq), [1]);
      assert.deepEqual((await r.messages.changes(room.id, 0, 1)).messages.map((m) => m.seq), [2]);
      assert.deepEqual(await r.messages.changes(room.id, 5, 10), { messages: [], lastRev: 5 });
      assert.deepEqual(await r.messages.changes(randomUUID(), 0, 10), { messages: [], lastRev: 0 });
    });

    test('reactions: exact counts in order of first use, idempotent, at most 20 emoji, none on a tombstone', async () => {
      const a = randomUUID();
      const users = Array.from({ length: 22 }, () => randomUUID());
      const room = group([[a, 'admin'], ...users.map((u): [string, MemberRole] => [u, 'member'])]);
      await r.rooms.createRoom(room, a);
      await r.messages.send(room.id, a, 'react to me', 'c1');
      await r.messages.send(room.id, a, 'me too', 'c2');
      await r.messages.react(room.id, 1, a, ':tada:', 'add');
      // 22 reactors at once: every one counts, the first 20 are listed.
      const all = await Promise.all(users.map((u) => r.messages.react(room.id, 1, u, '👍', 'add')));
      assert.ok(all.every((x) => x.changed));
      const m = await r.messages.message(room.id, 1);
      assert.deepEqual(m?.reactions.map((x) => [x.emoji, x.count, x.userIds.length]), [[':tada:', 1, 1], ['👍', 22, 20]]);
      assert.equal(new Set(m?.reactions[1]?.userIds).size, 20);
      assert.equal((await r.messages.react(room.id, 1, users[0] ?? a, '👍', 'add')).changed, false);
      // One user's repeats at once: one change, the others see it done.
      const repeats = await Promise.all(Array.from({ length: 8 }, () => r.messages.react(room.id, 1, a, '🔁', 'add')));
      assert.equal(repeats.filter((x) => x.changed).length, 1);
      const unrepeats = await Promise.all(Array.from({ length: 8 }, () => r.messages.react(room.id, 1, a, '🔁', 'remove')));
      assert.equal(unrepeats.filter((x) => x.changed).length, 1);
      assert.equal((await r.messages.react(room.id, 1, a, '👍', 'remove')).changed, false, 'removing what is not there');
      const removed = await r.messages.react(room.id, 1, a, ':tada:', 'remove');
      assert.deepEqual([removed.changed, removed.message.reactions.map((x) => x.emoji)], [true, ['👍']]);
      for (let i = 0; i < 18; i++) await r.messages.react(room.id, 2, a, `:e${i}:`, 'add');
      // Five new emoji at once where two fit: two stored, three refused.
      const racing = await Promise.all([18, 19, 20, 21, 22].map((i) => code(r.messages.react(room.id, 2, a, `:e${i}:`, 'add'))));
      assert.deepEqual(racing.sort(), [undefined, undefined, 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED'].sort());
      assert.equal(await code(r.messages.react(room.id, 2, a, ':e99:', 'add')), 'VALIDATION_FAILED');
      assert.equal((await r.messages.react(room.id, 2, users[1] ?? a, ':e7:', 'add')).changed, true, 'joining one of the 20 is fine');
      assert.equal(new Set((await r.messages.message(room.id, 2))?.reactions.map((x) => x.emoji)).size, 20);
      assert.equal((await r.messages.message(room.id, 2))?.reactions.length, 20);
      const tomb = await r.messages.softDelete(room.id, 2);
      assert.deepEqual(tomb?.reactions, [], 'a tombstone has no reactions');
      assert.equal(await code(r.messages.react(room.id, 2, a, '👍', 'add')), 'NOT_FOUND');
      assert.equal(await code(r.messages.react(room.id, 99, a, '👍', 'add')), 'NOT_FOUND');
    });

    test('history pages oldest first after a seq and newest first before one (or from the latest), room by room', async () => {
      const a = randomUUID();
      const room = group([[a, 'admin']]);
      const elsewhere = group([[a, 'admin']]);
      await r.rooms.createRoom(room, a);
      await r.rooms.createRoom(elsewhere, a);
      for (let i = 1; i <= 5; i++) await r.messages.send(room.id, a, `m${i}`, `c${i}`);
      await r.messages.send(elsewhere.id, a, 'other', 'c1');
      const seqs = (ms: { seq: number }[]) => ms.map((m) => m.seq);
      assert.deepEqual(seqs(await r.messages.after(room.id, 0, 3)), [1, 2, 3]);
      assert.deepEqual(seqs(await r.messages.after(room.id, 3, 10)), [4, 5]);
      assert.deepEqual(seqs(await r.messages.after(room.id, 5, 10)), []);
      assert.deepEqual(seqs(await r.messages.before(room.id, undefined, 2)), [5, 4]);
      assert.deepEqual(seqs(await r.messages.before(room.id, 4, 10)), [3, 2, 1]);
      assert.deepEqual(seqs(await r.messages.before(room.id, 1, 10)), []);
      assert.deepEqual((await r.messages.after(elsewhere.id, 0, 10)).map((m) => m.body), ['other']);
    });

    test('read markers move forward only, never past the last seq; unread counts others\' live messages; the sender has read their own', async () => {
      const [a, b, eve] = [randomUUID(), randomUUID(), randomUUID()];
      const room = group([[a, 'admin'], [b, 'member']]);
      await r.rooms.createRoom(room, a);
      for (let i = 1; i <= 4; i++) await r.messages.send(room.id, a, `m${i}`, `c${i}`);
      await r.messages.softDelete(room.id, 4);
      assert.deepEqual(pick(await r.rooms.roomFor(room.id, a)), [4, 0]);
      assert.deepEqual(pick(await r.rooms.roomFor(room.id, b)), [0, 3], 'the tombstone is not unread');
      assert.equal(await r.rooms.markRead(room.id, b, 2), 2);
      assert.equal(await r.rooms.markRead(room.id, b, 1), 2);
      assert.deepEqual(pick(await r.rooms.roomFor(room.id, b)), [2, 1]);
      assert.equal(await r.rooms.markRead(room.id, b, 99), 4);
      assert.equal(await r.rooms.markRead(room.id, eve, 3), 0, 'a non-member has no marker');
      await r.messages.send(room.id, b, 'mine', 'b1');
      assert.deepEqual(pick(await r.rooms.roomFor(room.id, b)), [5, 0]);
      assert.deepEqual(pick(await r.rooms.roomFor(room.id, a)), [4, 1]);
      const views = await r.rooms.roomViews(room.id);
      assert.deepEqual([...views.keys()].sort(), [a, b].sort());
      assert.deepEqual(pick(views.get(a)), [4, 1]);
      assert.deepEqual(pick(views.get(b)), [5, 0]);
      const some = await r.rooms.roomViews(room.id, [b, eve]);
      assert.deepEqual([...some.keys()], [b], 'only members get a view');
    });

    test("a user's rooms come most recent activity first", async () => {
      const a = randomUUID();
      const older = group([[a, 'admin']]);
      const newer = group([[a, 'admin']]);
      await r.rooms.createRoom(older, a);
      await new Promise((res) => setTimeout(res, 5));
      await r.rooms.createRoom(newer, a);
      assert.deepEqual((await r.rooms.roomsOf(a)).map((x) => x.id), [newer.id, older.id]);
      await new Promise((res) => setTimeout(res, 5));
      await r.messages.send(older.id, a, 'wake up', 'c1');
      assert.deepEqual((await r.rooms.roomsOf(a)).map((x) => x.id), [older.id, newer.id]);
      assert.deepEqual((await r.rooms.roomIdsOf(a)).sort(), [older.id, newer.id].sort());
    });
  });
}

/** [readSeq, unreadCount] of a room view. */
function pick(v: { readSeq: number; unreadCount: number } | undefined): [number, number] | undefined {
  return v && [v.readSeq, v.unreadCount];
}
