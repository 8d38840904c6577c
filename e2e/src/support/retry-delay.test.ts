import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelayMs } from './chat-client';

test('send retries back off: doubling from 100 ms, capped at 2 s, jittered down to half', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 10].map((a) => retryDelayMs(a, 1)), [100, 200, 400, 800, 1600, 2000, 2000]);
  assert.equal(retryDelayMs(3, 0), 200, 'the least jitter is half the step');
});
