import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subjectTemplate } from './outbox';
import { linkTo, traceparentOf } from './trace-context';

test('a stored traceparent becomes a link to its span; null, malformed or all-zero ones none', () => {
  const tp = traceparentOf('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 1);
  assert.equal(tp, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  assert.deepEqual(linkTo(tp)?.context, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
    isRemote: true,
  });
  for (const bad of [null, undefined, '', 'junk', `01-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01`, `${tp}-extra`]) {
    assert.equal(linkTo(bad), undefined, String(bad));
  }
});

test('publish span names keep the subject and drop its ids', () => {
  assert.equal(subjectTemplate('chat.message.created.87c4148b-cd0b-4692-8222-ee1a1f3891a8'), 'chat.message.created.*');
  assert.equal(subjectTemplate('users.registered'), 'users.registered');
});
