import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase, query, startNatsServer } from '@converge/testing';
import { baseEnv, call, writeKey } from './harness';
import { spawnUserService } from './process';

test('a registration that fails with a 5xx (a broken users table) logs the failure, but never the password or its hash', async () => {
  const db = await createTestDatabase('user_log5xx');
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'converge-user-log5xx-'));
  try {
    const svc = await spawnUserService({ ...baseEnv(db, nats, writeKey(dir)), LOG_LEVEL: 'trace' });
    // Migrated; now break the table in this test's own database: every insert fails a CHECK, and
    // PostgreSQL's error (and TypeORM's, with the statement's parameters) describes the failing row.
    await query(db.url, `ALTER TABLE users ADD CONSTRAINT broken_by_test CHECK (length(password_hash) < 10) NOT VALID`);
    const password = 'Very-Secret-Passw0rd!';
    const username = `log5xx_${process.pid}`;
    const reg = await call(svc.url, 'POST', '/auth/register', { username, password });
    assert.equal(reg.status, 500, JSON.stringify(reg.body));
    assert.equal(reg.body.error.code, 'UNAVAILABLE');
    const gql = await call(svc.url, 'POST', '/user/graphql', {
      query: 'mutation R($input: RegisterInput!) { register(input: $input) { accessToken } }',
      variables: { input: { username: `${username}_g`, password } },
    });
    // The same failure through GraphQL: a masked error, and its variables (the password) are not logged either.
    assert.equal(gql.body.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(gql.body));
    await svc.stop();
    const out = svc.output();
    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    // The failure was logged, with what failed...
    const failure = lines.find((l) => l.msg === 'Unhandled error' && l.route === '/auth/register');
    assert.ok(failure, `no 'Unhandled error' line for /auth/register in:\n${out}`);
    assert.equal(failure.err.code, '23514');
    assert.equal(failure.err.constraint, 'broken_by_test');
    assert.ok(lines.some((l) => l.msg === 'Request failed' && l.status === 500));
    assert.ok(lines.some((l) => l.msg === 'Unhandled GraphQL error' && l.err?.code === '23514'));
    // ...and nothing of the secret: not the password, not an argon2 hash of it, not the failing row.
    assert.ok(!out.includes(password), 'the password is in the logs');
    assert.ok(!out.includes('$argon2'), `an argon2 hash is in the logs:\n${out.split('\n').filter((l) => l.includes('$argon2')).join('\n')}`);
    assert.ok(!out.includes('Failing row'), "PostgreSQL's failing row is in the logs");
  } finally {
    await nats.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
