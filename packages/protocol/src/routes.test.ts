import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesPrefix, routeFor, ROUTES } from './index';

test('every prefix is a clean absolute path that no other prefix swallows', () => {
  for (const r of ROUTES) {
    assert.match(r.prefix, /^\/[a-z.][a-z./-]*[a-z]$/, r.prefix);
    assert.ok(r.serves.length > 0, `${r.prefix} says what it serves`);
  }
  for (const a of ROUTES) {
    for (const b of ROUTES) if (a !== b) assert.equal(matchesPrefix(a.prefix, b.prefix), false, `${b.prefix} also matches ${a.prefix}`);
  }
});

test('a prefix matches itself and what is below it, element by element, ignoring the query', () => {
  assert.equal(routeFor('/rooms')?.upstream, 'chat');
  assert.equal(routeFor('/rooms/0b6f/messages?before=10')?.upstream, 'chat');
  assert.equal(routeFor('/socket.io/?EIO=4&transport=websocket')?.upstream, 'chat');
  assert.equal(routeFor('/graphql')?.upstream, 'chat');
  assert.equal(routeFor('/user/graphql')?.upstream, 'user');
  assert.equal(routeFor('/users?search=al')?.upstream, 'user');
  for (const path of ['/', '/roomsx', '/usersettings', '/graphqlx', '/user', '/c/3f1e', '/assets/index.js']) {
    assert.equal(routeFor(path), undefined, path);
  }
});
