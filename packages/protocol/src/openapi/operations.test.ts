import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatOpenApiDocument } from './chat.openapi';
import { documentedOperations } from './operations';

test('documentedOperations lists each method of each path with a callable sample URL', () => {
  const ops = documentedOperations(chatOpenApiDocument());
  const edit = ops.find((o) => o.method === 'PATCH' && o.path === '/rooms/{id}/messages/{seq}');
  assert.deepEqual(edit && { ...edit, statuses: undefined }, {
    method: 'PATCH',
    path: '/rooms/{id}/messages/{seq}',
    sample: '/rooms/00000000-0000-4000-8000-000000000000/messages/1',
    authenticated: true,
    statuses: undefined,
  });
  assert.ok(edit?.statuses.includes('200') && edit.statuses.includes('403'));
  assert.equal(ops.filter((o) => o.path === '/rooms').length, 2);
  assert.ok(ops.every((o) => o.authenticated));
});
