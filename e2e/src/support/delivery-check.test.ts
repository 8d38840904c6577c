import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '@converge/protocol';
import { deliveryProblems, longestStall } from './delivery-check';

const msg = (seq: number, sender = 'a', clientMsgId = `${sender}-${seq}`): Message => ({
  id: `id-${seq}`,
  roomId: 'r',
  seq,
  senderId: sender,
  body: `m${seq}`,
  clientMsgId,
  createdAt: '2026-12-02T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  rev: seq,
  reactions: [],
  kind: 'user',
  system: null,
});
const room = [msg(1), msg(2, 'b'), msg(3)];

test('a complete, ordered, identical room for every member passes', () => {
  assert.deepEqual(deliveryProblems(room, [{ name: 'x', history: room }, { name: 'y', history: [...room] }]), []);
});

test('a missing acked message and a gap are named', () => {
  const p = deliveryProblems(room, [{ name: 'x', history: [msg(1), msg(3)] }]);
  assert.ok(p.some((s) => /x: position 2 holds seq 3/.test(s)), p.join('\n'));
  assert.ok(p.some((s) => /x: acked b\/b-2 \(seq 2\) is missing/.test(s)), p.join('\n'));
});

test('a message stored twice (a retry under a second seq) is named, in the acks and in a member', () => {
  const twice = [...room, msg(4, 'a', 'a-1')];
  const p = deliveryProblems(twice, [{ name: 'x', history: twice }]);
  assert.ok(p.some((s) => /acks: a\/a-1 acked as seq 1 and as seq 4/.test(s)), p.join('\n'));
  assert.ok(p.some((s) => /x: a\/a-1 held twice, as seq 1 and 4/.test(s)), p.join('\n'));
});

test('a member that stops short of the last ack, or differs from another, is named', () => {
  const other = [msg(1), msg(2, 'c', 'c-2'), msg(3)];
  const p = deliveryProblems(room, [{ name: 'x', history: room }, { name: 'y', history: other }, { name: 'z', history: [msg(1)] }]);
  assert.ok(p.some((s) => s === 'y and x differ at seq 2'), p.join('\n'));
  assert.ok(p.some((s) => /z: holds 1 messages, seq 3 was acked/.test(s)), p.join('\n'));
});

test('unacked messages others sent may be held: only acked ones are required', () => {
  assert.deepEqual(deliveryProblems([msg(1)], [{ name: 'x', history: room }]), []);
});

test('the longest stall counts the edges of the window', () => {
  assert.equal(longestStall([1100, 1200, 1900], 1000, 2000), 700);
  assert.equal(longestStall([], 1000, 2000), 1000);
  assert.equal(longestStall([500, 2500], 1000, 2000), 1000, 'acks outside the window do not count');
});
