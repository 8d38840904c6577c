import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AppError,
  createRoomBodySchema,
  historyQuerySchema,
  parseOrThrow,
  registerBodySchema,
  sendMessageBodySchema,
  clientEventSchemas,
  charCount,
  ClientEvent,
  memberSchema,
  ServerEvent,
} from './index';

const id = '7d3f1a52-9c1e-4b1a-8f4e-2b9e6c1d0a11';

test('usernames fold to lower case and reject characters outside [a-z0-9_.-]', () => {
  assert.equal(parseOrThrow(registerBodySchema, { username: 'Alice', password: 'password1' }).username, 'alice');
  for (const username of ['al', 'a'.repeat(33), 'bob smith', "x'; drop table users;--", 'ünïcode']) {
    assert.throws(() => parseOrThrow(registerBodySchema, { username, password: 'password1' }), AppError);
  }
});

test('unknown fields and wrong types are VALIDATION_FAILED with the field named', () => {
  const e = (() => {
    try {
      parseOrThrow(registerBodySchema, { username: 'alice', password: 12345678 });
    } catch (err) {
      return err as AppError;
    }
    return undefined;
  })();
  assert.equal(e?.code, 'VALIDATION_FAILED');
  assert.match(e?.message ?? '', /password/);
  assert.throws(() => parseOrThrow(registerBodySchema, { username: 'alice', password: 'password1', admin: true }));
});

test('message bodies count trimmed characters and are kept exactly as sent', () => {
  const body = '  hi there  ';
  assert.equal(parseOrThrow(sendMessageBodySchema, { body, clientMsgId: 'c1' }).body, body);
  assert.throws(() => parseOrThrow(sendMessageBodySchema, { body: '   ', clientMsgId: 'c1' }));
  assert.throws(() => parseOrThrow(sendMessageBodySchema, { body: 'x'.repeat(4001), clientMsgId: 'c1' }));
  // 4000 emoji are 8000 UTF-16 units but 4000 characters.
  assert.equal(charCount('😀'.repeat(4000)), 4000);
  parseOrThrow(sendMessageBodySchema, { body: '😀'.repeat(4000), clientMsgId: 'c1' });
  assert.throws(() => parseOrThrow(sendMessageBodySchema, { body: 'x', clientMsgId: 'c'.repeat(65) }));
});

test('a room is created either as a group or as a DM, never both', () => {
  parseOrThrow(createRoomBodySchema, { name: 'team', memberIds: [id] });
  parseOrThrow(createRoomBodySchema, { directWith: id });
  assert.throws(() => parseOrThrow(createRoomBodySchema, { name: 'team', memberIds: [id], directWith: id }));
  assert.throws(() => parseOrThrow(createRoomBodySchema, { name: 'team', memberIds: ['not-a-uuid'] }));
});

test('history query strings become numbers and after/before exclude each other', () => {
  assert.deepEqual(parseOrThrow(historyQuerySchema, { after: '10', limit: '5' }), { after: 10, limit: 5 });
  assert.throws(() => parseOrThrow(historyQuerySchema, { after: '1', before: '5' }));
  assert.throws(() => parseOrThrow(historyQuerySchema, { limit: '201' }));
  assert.throws(() => parseOrThrow(historyQuerySchema, { after: '-1' }));
  assert.throws(() => parseOrThrow(historyQuerySchema, { after: '1e3' }));
});

test('room:sync limits the page to 500', () => {
  const s = clientEventSchemas['room:sync'];
  assert.ok(s.safeParse({ roomId: id, afterSeq: 0, limit: 500 }).success);
  assert.ok(!s.safeParse({ roomId: id, afterSeq: 0, limit: 501 }).success);
  assert.ok(!s.safeParse({ roomId: id, afterSeq: -1 }).success);
  assert.ok(!s.safeParse(null).success);
});

test('the event-name constants are the wire names, one per event', () => {
  assert.equal(ClientEvent.MessageSend, 'message:send');
  assert.deepEqual(Object.values(ClientEvent).sort(), Object.keys(clientEventSchemas).sort());
  assert.equal(ServerEvent.MessageNew, 'message:new');
  assert.equal(new Set(Object.values(ServerEvent)).size, Object.values(ServerEvent).length);
});

test('a member may carry the display name the chat service knows, or null, or none', () => {
  const m = { userId: id, role: 'member' };
  assert.ok(memberSchema.safeParse(m).success);
  assert.ok(memberSchema.safeParse({ ...m, displayName: null }).success);
  assert.equal(memberSchema.parse({ ...m, displayName: 'Erin' }).displayName, 'Erin');
  assert.ok(!memberSchema.safeParse({ ...m, displayName: 7 }).success);
});
