import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenMatches } from './agent-http';

test('the token: only `Bearer <exact token>` passes', () => {
  assert.equal(tokenMatches('Bearer s3cret', 's3cret'), true);
  for (const h of [undefined, '', 's3cret', 'Bearer ', 'Bearer s3cre', 'Bearer s3cret2', 'bearer s3cret']) assert.equal(tokenMatches(h, 's3cret'), false, String(h));
});
