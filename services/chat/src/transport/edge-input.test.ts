import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@converge/protocol';
import { memberIdOf, roomIdOf, seqOf } from './edge-input';

const id = '7d3f1a52-9c1e-4b1a-8f4e-2b9e6c1d0a11';

test('path values are parsed at the edge: what is not an id or a seq names nothing, NOT_FOUND', () => {
  assert.equal(roomIdOf(id), id);
  assert.equal(seqOf('12'), 12);
  assert.equal(seqOf(3), 3);
  assert.equal(memberIdOf(id), id);
  const notFound = (fn: () => unknown, message: string) =>
    assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND' && e.message === message);
  notFound(() => roomIdOf('not-a-uuid'), 'no such room');
  notFound(() => seqOf('abc'), 'no such message');
  notFound(() => seqOf(0), 'no such message');
  notFound(() => memberIdOf(undefined), 'no such member');
});
