import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, Registry } from '@converge/runtime';
import { accountTelemetry } from './user.telemetry';

test('account events become counters and JSON lines with fixed messages', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const registry = new Registry();
  const t = accountTelemetry(createLogger('user', 'debug', sink), registry);
  t.registered('u-1');
  t.login('ok', 'u-1');
  t.login('bad_credentials', 'u-1');
  t.login('throttled');
  t.refresh('ok', { userId: 'u-1' });
  t.refresh('reuse_detected', { userId: 'u-1', familyId: 'f-1' });
  t.refresh('unknown');
  t.loggedOut('u-1');
  t.loggedOut(undefined);
  t.updated('u-1');
  t.deleted('u-1');
  await new Promise((r) => setImmediate(r));

  const msgs = lines.map((l) => [l.msg, l.userId]);
  assert.deepEqual(msgs.slice(0, 2), [['User registered', 'u-1'], ['User logged in', 'u-1']]);
  assert.ok(lines.some((l) => l.msg === 'Login refused' && l.outcome === 'throttled'));
  const reuse = lines.find((l) => l.msg === 'Refresh token reuse detected; session family revoked');
  assert.deepEqual([reuse?.level, reuse?.userId, reuse?.familyId], ['warn', 'u-1', 'f-1']);
  assert.ok(lines.some((l) => l.msg === 'User deleted' && l.userId === 'u-1'));
  assert.ok(lines.some((l) => l.msg === 'User updated'));
  assert.ok(lines.some((l) => l.msg === 'User logged out' && l.userId === null));

  const text = await registry.metrics();
  assert.match(text, /^user_registrations_total 1$/m);
  assert.match(text, /^user_logins_total\{outcome="ok"\} 1$/m);
  assert.match(text, /^user_logins_total\{outcome="throttled"\} 1$/m);
  assert.match(text, /^user_token_refreshes_total\{outcome="reuse_detected"\} 1$/m);
  assert.match(text, /^user_refresh_token_reuse_detected_total 1$/m);
  assert.match(text, /^user_deletions_total 1$/m);
});
