import assert from 'node:assert/strict';
import { test } from 'node:test';
import type WebSocket from 'ws';
import { GraphQLWsSessions, WS_CLOSE } from './graphql-ws-sessions';

function fakeSocket() {
  const closes: [number, string][] = [];
  return { closes, socket: { close: (code: number, reason: string) => void closes.push([code, reason]) } as unknown as WebSocket };
}

test('a connection is closed with 4401 when its token expires, and a refresh moves the deadline', async () => {
  const s = new GraphQLWsSessions();
  const a = fakeSocket();
  s.add('a', { socket: a.socket, userId: 'u', sessionId: 's1', token: 't1', expiresAt: Date.now() / 1000 + 0.1 });
  const b = fakeSocket();
  s.add('b', { socket: b.socket, userId: 'u', sessionId: 's1', token: 't1', expiresAt: Date.now() / 1000 + 0.1 });
  s.refresh('b', 't2', Date.now() / 1000 + 60, undefined);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(a.closes.map(([c]) => c), [WS_CLOSE.unauthorized]);
  assert.deepEqual(b.closes, []);
  assert.equal(s.get('b')?.token, 't2');
  assert.equal(s.get('b')?.sessionId, 's1', 'a token without sid keeps the known session');
  s.clear();
});

test('revoking a session closes only that session’s connections, with 4403', () => {
  const s = new GraphQLWsSessions();
  const [one, two, other] = [fakeSocket(), fakeSocket(), fakeSocket()];
  const later = Date.now() / 1000 + 60;
  s.add('1', { socket: one.socket, userId: 'u', sessionId: 's1', token: 't', expiresAt: later });
  s.add('2', { socket: two.socket, userId: 'u', sessionId: 's2', token: 't', expiresAt: later });
  s.add('3', { socket: other.socket, userId: 'v', sessionId: 's1', token: 't', expiresAt: later });
  assert.equal(s.revoke('u', 's1'), 1);
  assert.deepEqual([one.closes.length, two.closes.length, other.closes.length], [1, 0, 0]);
  assert.equal(one.closes[0]?.[0], WS_CLOSE.revoked);
  s.clear();
});
