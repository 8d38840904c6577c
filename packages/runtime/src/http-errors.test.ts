import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@converge/protocol';
import { toHttpFailure } from './http-errors';

/** Shaped like NestJS's HttpException, which the core recognises without importing Nest. */
class StatusException extends Error {
  constructor(
    private readonly status: number,
    private readonly response: string | object,
  ) {
    super('status exception');
  }
  getStatus(): number {
    return this.status;
  }
  getResponse(): string | object {
    return this.response;
  }
}

test('framework status errors, domain errors, parser errors and driver outages map to the contract', () => {
  assert.deepEqual(toHttpFailure(new StatusException(404, { message: 'Cannot GET /nope' })), {
    status: 404,
    body: { error: { code: 'NOT_FOUND', message: 'Cannot GET /nope' } },
  });
  assert.equal(toHttpFailure(new StatusException(418, 'teapot')).status, 500, 'a status the contract does not name');
  const limited = toHttpFailure(new AppError('RATE_LIMITED', 'slow down', undefined, 7));
  assert.deepEqual([limited.status, limited.retryAfterSeconds], [429, 7]);
  assert.equal(toHttpFailure(Object.assign(new Error('too big'), { type: 'entity.too.large' })).status, 413);
  assert.equal(toHttpFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).status, 503);
  assert.equal(toHttpFailure(new Error('kaboom')).status, 500);
});
