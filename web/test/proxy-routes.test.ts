import assert from 'node:assert/strict';
import { test } from 'node:test';
import { upstreamFor } from '../server/proxy';

test('API paths go where the Ingress sends them; app pages stay with the web server', () => {
  const cases: [string, string | null][] = [
    ['/auth/login', 'user'],
    ['/users?search=al&limit=5', 'user'],
    ['/users/me', 'user'],
    ['/.well-known/jwks.json', 'user'],
    ['/user/graphql', 'user'],
    ['/rooms', 'chat'],
    ['/rooms/0b6f/messages?before=10', 'chat'],
    ['/socket.io/?EIO=4&transport=websocket', 'chat'],
    ['/graphql', 'chat'],
    ['/chat/graphql', 'chat'],
    ['/', null],
    ['/login', null],
    ['/c/3f1e2d4c-0000-4000-8000-000000000000', null],
    ['/assets/index.js', null],
    ['/roomsx', null],
    ['/usersettings', null],
  ];
  for (const [path, want] of cases) assert.equal(upstreamFor(path), want, path);
});
