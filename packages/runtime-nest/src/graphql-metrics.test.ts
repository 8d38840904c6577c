import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError, parse } from 'graphql';
import { AppError } from '@converge/protocol';
import { operationLabels, outcomeOf } from './graphql-metrics';

test('an operation is labelled by its type and first root field, never by the name the client chose', () => {
  assert.deepEqual(operationLabels(parse('query AnyNameAtAll { rooms { id } me { id } }')), { type: 'query', field: 'rooms' });
  assert.deepEqual(operationLabels(parse('mutation { sendMessage(roomId: "r", body: "b") { seq } }')), { type: 'mutation', field: 'sendMessage' });
  // Two operations in one document: the one asked for by name; none named is no operation.
  const two = parse('query A { rooms { id } } mutation B { createRoom(name: "x") { id } }');
  assert.deepEqual(operationLabels(two, 'B'), { type: 'mutation', field: 'createRoom' });
  assert.deepEqual(operationLabels(two), { type: 'unknown', field: 'unknown' });
});

test('the outcome is ok or the contract code of the first error, masked or not; anything else is `error`', () => {
  assert.equal(outcomeOf(undefined), 'ok');
  assert.equal(outcomeOf([]), 'ok');
  assert.equal(outcomeOf([new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } })]), 'FORBIDDEN');
  const unmasked = new GraphQLError('gone', { originalError: new AppError('NOT_FOUND', 'gone') });
  assert.equal(outcomeOf([unmasked]), 'NOT_FOUND');
  assert.equal(outcomeOf([new GraphQLError('x', { extensions: { code: 'not a code, maybe a user id 1234' } })]), 'error');
});
