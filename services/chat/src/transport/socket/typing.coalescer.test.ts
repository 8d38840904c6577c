import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypingCoalescer } from './typing.coalescer';

test('a repeated typing:true passes once per window per user and room; a stop lets the next one through', () => {
  let now = 0;
  const c = new TypingCoalescer(2000, () => now);
  assert.equal(c.admit('u', 'r'), true);
  now = 1999;
  assert.equal(c.admit('u', 'r'), false);
  assert.equal(c.admit('u', 'other-room'), true, 'rooms count apart');
  assert.equal(c.admit('v', 'r'), true, 'users count apart');
  now = 2000;
  assert.equal(c.admit('u', 'r'), true);
  c.stopped('u', 'r');
  assert.equal(c.admit('u', 'r'), true, 'false then true is a state change and goes at once');
});

test('stale pairs are swept once many are remembered', () => {
  let now = 0;
  const c = new TypingCoalescer(10, () => now);
  for (let i = 0; i < 10_000; i++) c.admit(`u${i}`, 'r');
  now = 100;
  c.admit('late', 'r');
  assert.equal(c.size, 1);
});
