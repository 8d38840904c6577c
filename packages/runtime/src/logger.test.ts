import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger';

test('passwords, tokens and Authorization headers never reach a log line', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('test', 'info', sink);
  log.info({ password: 'hunter22', body: { refreshToken: 'r-secret', accessToken: 'a-secret' } }, 'Login');
  log.info({ req: { headers: { authorization: 'Bearer a-secret' } } }, 'Request');
  const all = lines.join('');
  assert.ok(!all.includes('hunter22') && !all.includes('a-secret') && !all.includes('r-secret'), all);
  const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(first.msg, 'Login');
  assert.equal(first.level, 'info');
  assert.equal(first.service, 'test');
});
