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

function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: createLogger('test', 'info', sink) };
}

test("a driver error's values (SQL parameters, PostgreSQL's detail) never reach a log line; what failed does", () => {
  const hash = '$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
  // The shape of TypeORM's QueryFailedError: the driver error's fields copied on, plus query and parameters.
  const driverError = Object.assign(new Error('new row for relation "users" violates check constraint "c"'), {
    code: '23514',
    detail: `Failing row contains (1, alice, Alice, ${hash}).`,
    table: 'users',
    constraint: 'c',
  });
  const err = Object.assign(new Error(driverError.message), {
    ...driverError,
    driverError,
    query: 'INSERT INTO "users"("id", "password_hash") VALUES ($1, $2)',
    parameters: ['1', hash],
  });
  err.name = 'QueryFailedError';
  const { lines, log } = capture();
  log.error({ err, route: '/auth/register' }, 'Unhandled error');
  log.error({ err: new Error('wrapped', { cause: err }) }, 'Unhandled error');
  const all = lines.join('');
  assert.ok(!all.includes('$argon2id$') && !all.includes('aGFzaGhhc2hoYXNo'), all);
  const line = JSON.parse(lines[0] ?? '{}') as { err: Record<string, unknown> };
  assert.equal(line.err.code, '23514');
  assert.equal(line.err.constraint, 'c');
  assert.match(String(line.err.message), /violates check constraint/);
});

test('GraphQL variables, socket payloads and bodies are redacted at any depth the services log them', () => {
  const { lines, log } = capture();
  log.error({ operation: 'register', variables: { input: { username: 'a', password: 'pw-secret-1', note: 'v-secret' } } }, 'GraphQL error');
  log.error({ graphql: { request: { variables: { input: { password: 'pw-secret-2' } } } } }, 'GraphQL error');
  log.warn({ event: 'message:send', payload: { roomId: 'r', body: 'private words' } }, 'Socket handler failed');
  log.error({ req: { body: { password: 'pw-secret-3' } } }, 'Request failed');
  const all = lines.join('');
  for (const s of ['pw-secret-1', 'v-secret', 'pw-secret-2', 'private words', 'pw-secret-3']) assert.ok(!all.includes(s), `${s} in ${all}`);
  assert.match(all, /message:send/);
});
