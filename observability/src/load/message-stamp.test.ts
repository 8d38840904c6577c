import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readStamp, stampBody } from './message-stamp';

test('the send time comes back from the body, which has the asked length', () => {
  const body = stampBody('ab12', 1765432100123.456, 100);
  assert.equal(body.length, 100);
  assert.equal(readStamp(body, 'ab12'), 1765432100123.456);
});

test('another run’s messages, foreign bodies and damaged stamps are not read', () => {
  const body = stampBody('ab12', 1000, 60);
  assert.equal(readStamp(body, 'cd34'), undefined);
  assert.equal(readStamp('hello', 'ab12'), undefined);
  assert.equal(readStamp(null, 'ab12'), undefined);
  assert.equal(readStamp('load|ab12||x', 'ab12'), undefined);
  assert.equal(readStamp('load|ab12|soon|x', 'ab12'), undefined);
  // A body shorter than the stamp still carries it whole.
  assert.equal(readStamp(stampBody('ab12', 5, 1), 'ab12'), 5);
});
