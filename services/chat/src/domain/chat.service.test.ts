import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { AppError, ServerEvent } from '@converge/protocol';
import { ChatService, directKey } from './chat.service';
import { fakeRepositories, RecordingNotifier } from './ports.fakes';

function setup(limited = false) {
  const repo = fakeRepositories();
  const notes = new RecordingNotifier();
  const limiter = {
    consume: async () => {
      if (limited) throw new AppError('RATE_LIMITED', 'slow down');
    },
  };
  return { repo, notes, chat: new ChatService(repo, notes, limiter) };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as AppError).code;
  }
}

const [alice, bob, eve] = [randomUUID(), randomUUID(), randomUUID()];

test('a DM key is the same whoever starts it', () => {
  assert.equal(directKey(alice, bob), directKey(bob, alice));
});

test('a non-member gets NOT_FOUND from every use case under a room', async () => {
  const { chat } = setup();
  const { room } = await chat.createRoom(alice, { name: 'r', memberIds: [bob] });
  const id = room.id;
  const calls: Promise<unknown>[] = [
    chat.getRoom(eve, id),
    chat.renameRoom(eve, id, { name: 'x' }),
    chat.addMember(eve, id, { userId: eve }),
    chat.removeMember(eve, id, bob),
    chat.send(eve, id, { body: 'x', clientMsgId: 'c' }),
    chat.edit(eve, id, 1, { body: 'x' }),
    chat.delete(eve, id, 1),
    chat.history(eve, id, {}),
    chat.sync(eve, { roomId: id, afterSeq: 0 }),
    chat.markRead(eve, id, { seq: 1 }),
    chat.assertMember(eve, id),
    chat.presence(eve, id),
    chat.getRoom(alice, 'not-a-uuid'),
  ];
  for (const c of calls) assert.equal(await code(c), 'NOT_FOUND');
});

test('sends are idempotent per clientMsgId, gap-free, limited, and broadcast after storing', async () => {
  const { chat, notes } = setup();
  const { room } = await chat.createRoom(alice, { name: 'r', memberIds: [bob] });
  const first = await chat.send(alice, room.id, { body: 'hi', clientMsgId: 'a' });
  const retry = await chat.send(alice, room.id, { body: 'hi', clientMsgId: 'a' });
  const second = await chat.send(bob, room.id, { body: 'yo', clientMsgId: 'a' });
  assert.deepEqual([first.created, retry.created, second.created], [true, false, true]);
  assert.deepEqual([first.message.seq, retry.message.seq, second.message.seq], [1, 1, 2]);
  const news = notes.events.filter((e) => e[0] === ServerEvent.MessageNew).map((e) => e[1]);
  assert.deepEqual(news, [1, 1, 2]);
  const limitedChat = setup(true).chat;
  assert.equal(await code(limitedChat.send(alice, room.id, { body: 'x', clientMsgId: 'z' })), 'RATE_LIMITED');
});

test('roles: only authors edit, authors or admins delete, admins manage members, DMs are fixed', async () => {
  const { chat, notes } = setup();
  const { room } = await chat.createRoom(alice, { name: 'r', memberIds: [bob] });
  await chat.send(bob, room.id, { body: 'mine', clientMsgId: 'm' });
  assert.equal(await code(chat.edit(alice, room.id, 1, { body: 'x' })), 'FORBIDDEN');
  assert.equal((await chat.edit(bob, room.id, 1, { body: 'fixed' })).body, 'fixed');
  assert.equal(await code(chat.addMember(bob, room.id, { userId: eve })), 'FORBIDDEN');
  assert.equal(await code(chat.renameRoom(bob, room.id, { name: 'x' })), 'FORBIDDEN');
  assert.equal(await code(chat.removeMember(bob, room.id, alice)), 'FORBIDDEN');
  await chat.delete(alice, room.id, 1);
  assert.equal(await code(chat.edit(bob, room.id, 1, { body: 'again' })), 'NOT_FOUND');
  await chat.delete(alice, room.id, 1);
  assert.deepEqual(await chat.addMember(alice, room.id, { userId: eve }), { userId: eve, role: 'member' });
  assert.equal(await code(chat.addMember(alice, room.id, { userId: eve })), 'CONFLICT');
  assert.ok(notes.events.some((e) => e[0] === 'room:added' && e[1] === eve));
  await chat.removeMember(eve, room.id, eve);
  assert.ok(notes.events.some((e) => e[0] === 'room:removed' && e[1] === eve));
  assert.equal(await code(chat.removeMember(alice, room.id, eve)), 'NOT_FOUND');
  assert.equal((await chat.renameRoom(alice, room.id, { name: '  new  ' })).name, 'new');

  const dm = await chat.createRoom(alice, { directWith: bob });
  const same = await chat.createRoom(bob, { directWith: alice });
  assert.deepEqual([dm.created, same.created, same.room.id], [true, false, dm.room.id]);
  assert.equal(await code(chat.addMember(alice, dm.room.id, { userId: eve })), 'FORBIDDEN');
  assert.equal(await code(chat.renameRoom(alice, dm.room.id, { name: 'x' })), 'FORBIDDEN');
  assert.equal(await code(chat.createRoom(alice, { directWith: alice })), 'VALIDATION_FAILED');
});

test('history pages after/before and sync, read markers forward only', async () => {
  const { chat } = setup();
  const { room } = await chat.createRoom(alice, { name: 'r', memberIds: [bob] });
  for (let i = 1; i <= 5; i++) await chat.send(alice, room.id, { body: `m${i}`, clientMsgId: `c${i}` });
  const latest = await chat.history(bob, room.id, { limit: 2 });
  assert.deepEqual([latest.messages.map((m) => m.seq), latest.hasMore], [[5, 4], true]);
  const older = await chat.history(bob, room.id, { before: 4, limit: 10 });
  assert.deepEqual([older.messages.map((m) => m.seq), older.hasMore], [[3, 2, 1], false]);
  const after = await chat.history(bob, room.id, { after: 3 });
  assert.deepEqual(after.messages.map((m) => m.seq), [4, 5]);
  const synced = await chat.sync(bob, { roomId: room.id, afterSeq: 1, limit: 2 });
  assert.deepEqual([synced.messages.map((m) => m.seq), synced.hasMore], [[2, 3], true]);
  await chat.markRead(bob, room.id, { seq: 4 });
  await chat.markRead(bob, room.id, { seq: 2 });
  await chat.markRead(bob, room.id, { seq: 99 });
  const view = await chat.getRoom(bob, room.id);
  assert.deepEqual([view.readSeq, view.unreadCount], [5, 0]);
  assert.equal((await chat.listRooms(bob)).length, 1);
  assert.deepEqual(await chat.presence(bob, room.id), [
    { userId: alice, online: false },
    { userId: bob, online: false },
  ]);
});

test('public rooms: the directory by prefix, join (201 then 200), private ones NOT_FOUND; changes are system messages nobody edits', async () => {
  const { chat, notes } = setup();
  const { room } = await chat.createRoom(alice, { name: 'Open plan', memberIds: [bob] });
  const { room: closed } = await chat.createRoom(alice, { name: 'Open secrets', memberIds: [] });
  assert.equal(room.visibility, 'private');
  assert.equal(await code(chat.join(eve, room.id)), 'NOT_FOUND');
  assert.equal(await code(chat.updateRoom(bob, room.id, { visibility: 'public' })), 'FORBIDDEN');
  assert.equal((await chat.updateRoom(alice, room.id, { visibility: 'public' })).visibility, 'public');
  const page = await chat.publicRooms(eve, { search: 'OPEN' });
  assert.deepEqual([page.rooms.map((r) => [r.name, r.memberCount]), page.nextCursor], [[['Open plan', 2]], null]);
  const joined = await chat.join(eve, room.id);
  assert.deepEqual([joined.created, joined.room.unreadCount], [true, 0]);
  assert.equal((await chat.join(eve, room.id)).created, false);
  assert.equal(await code(chat.join(eve, closed.id)), 'NOT_FOUND');
  await chat.removeMember(eve, room.id, eve);
  const timeline = (await chat.history(alice, room.id, { after: 0 })).messages;
  assert.deepEqual(timeline.map((m) => [m.seq, m.kind, m.system?.event, m.senderId]), [
    [1, 'system', 'visibility', alice],
    [2, 'system', 'joined', eve],
    [3, 'system', 'left', eve],
  ]);
  assert.deepEqual(notes.events.filter((e) => e[0] === ServerEvent.MessageNew).map((e) => e[1]), [1, 2, 3]);
  assert.equal((await chat.getRoom(bob, room.id)).unreadCount, 0);
  for (const attempt of [
    chat.edit(alice, room.id, 1, { body: 'x' }),
    chat.delete(alice, room.id, 1),
    chat.react(alice, room.id, 1, '👍', 'add'),
  ]) {
    assert.equal(await code(attempt), 'VALIDATION_FAILED');
  }
  assert.equal(await code(chat.publicRooms(eve, { cursor: 'nonsense' })), 'VALIDATION_FAILED');
});
