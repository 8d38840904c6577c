// The two entries `make dev` runs before starting the service: generate-key and migrate.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createLogger } from '@converge/runtime';
import { createTestDatabase, freePort } from '@converge/testing';
import { loadUserConfig } from '../src/config';
import { startUserService } from '../src/server';
import { baseEnv, call, writeKey } from './harness';

const run = promisify(execFile);
const entry = (name: string) => join(__dirname, '../src', `${name}.js`);
const dir = mkdtempSync(join(tmpdir(), 'converge-user-entries-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const n of names) delete env[n];
  return env;
}

test('generate-key writes a development key once and keeps it afterwards', async () => {
  const file = join(dir, 'dev', 'jwt-key.pem');
  const first = await run(process.execPath, [entry('generate-key'), file]);
  assert.match(first.stdout, /"msg":"Signing key generated"/);
  const pem = readFileSync(file, 'utf8');
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);
  const second = await run(process.execPath, [entry('generate-key')], { env: { ...process.env, JWT_KEY_FILE: file } });
  assert.match(second.stdout, /"msg":"Signing key kept"/);
  assert.equal(JSON.parse(second.stdout).kid, JSON.parse(first.stdout).kid);
  assert.equal(readFileSync(file, 'utf8'), pem);
  await assert.rejects(run(process.execPath, [entry('generate-key')], { env: envWithout('JWT_KEY_FILE') }), /usage/);
});

test('migrate creates a missing database and applies the migrations once', async () => {
  const db = await createTestDatabase('user_migrate');
  await db.drop(); // migrate must create it
  try {
    const env = { ...envWithout('JWT_KEY_FILE'), DATABASE_URL: db.url };
    const first = await run(process.execPath, [entry('migrate')], { env });
    // Every migration the build holds, on an empty database.
    const migrations = readdirSync(join(__dirname, '../src/persistence/migrations')).filter((f) => f.endsWith('.js')).length;
    assert.ok(migrations >= 2, `${migrations} migrations built`);
    assert.match(first.stdout, new RegExp(`"msg":"Migrations applied","count":${migrations}\\b`));
    const second = await run(process.execPath, [entry('migrate')], { env });
    assert.match(second.stdout, /"count":0/);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    await c.end();
    assert.deepEqual(rows.map((r) => r.table_name), ['migrations', 'outbox', 'refresh_tokens', 'users']);
  } finally {
    await db.drop();
  }
});

test('the service started alone on a machine without its database creates and migrates it', async () => {
  const db = await createTestDatabase('user_fresh');
  await db.drop();
  // No NATS on this port: the service serves anyway (events wait in the outbox).
  const nats = { url: `nats://127.0.0.1:${await freePort()}` };
  try {
    const env = baseEnv(db, nats, writeKey(dir, 'fresh.pem'));
    const svc = await startUserService(loadUserConfig(env), { handleSignals: false, logger: createLogger('user', 'silent') });
    try {
      const r = await call(svc.url, 'POST', '/auth/register', { username: 'fresh_machine', password: 'password123' });
      assert.equal(r.status, 201);
    } finally {
      await svc.stop();
    }
  } finally {
    await db.drop();
  }
});
