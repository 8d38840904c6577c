import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHttpFailure } from './http-errors';
import { mustEvictConnection, pgFailureKind } from './pg-errors';

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });
/** TypeORM's QueryFailedError: its own message, the driver's error inside. */
const wrapped = (code: string) => Object.assign(new Error('QueryFailedError'), { driverError: withCode(code) });

test('failover errors: a dead or moved connection is evicted, a rolled-back transaction is only retried', () => {
  for (const e of [
    withCode('ECONNRESET'),
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P02'),
    withCode('57P03', 'the database system is starting up'),
    withCode('08006'),
    withCode('08P01'),
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
    new Error('Query read timeout'),
    wrapped('57P01'),
  ]) {
    assert.equal(pgFailureKind(e), 'connection', e.message);
    assert.ok(mustEvictConnection(e), e.message);
  }
  assert.equal(pgFailureKind(withCode('25006', 'cannot execute INSERT in a read-only transaction')), 'read-only');
  assert.ok(mustEvictConnection(wrapped('25006')), 'a pooled connection on a replica must go');
  for (const code of ['40001', '40P01']) {
    assert.equal(pgFailureKind(withCode(code)), 'retry');
    assert.ok(!mustEvictConnection(withCode(code)), 'the connection itself is fine');
  }
  for (const e of [withCode('23505'), withCode('22012'), new Error('kaboom'), 'not an error']) {
    assert.equal(pgFailureKind(e), undefined);
    assert.ok(!mustEvictConnection(e));
  }
});

test('every failover error answers 503 UNAVAILABLE with Retry-After, an application error does not', () => {
  for (const e of [withCode('57P01'), withCode('25006'), wrapped('25006'), withCode('40001'), withCode('40P01'), new Error('Query read timeout')]) {
    const f = toHttpFailure(e);
    assert.deepEqual([f.status, f.body.error.code, f.retryAfterSeconds], [503, 'UNAVAILABLE', 1], e.message);
  }
  assert.equal(toHttpFailure(withCode('23505')).status, 500);
});
