import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from 'node:net';
import { Client } from 'pg';
import { createTestDatabase } from './database';
import { freePort, waitFor } from './ports';
import { startRedisServer } from './processes';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

test('a test Redis can be killed and restarted on the same port', async () => {
  const redis = await startRedisServer();
  try {
    assert.ok(await reachable(redis.port));
    await redis.kill();
    assert.equal(await reachable(redis.port), false);
    await redis.restart();
    assert.ok(await reachable(redis.port));
  } finally {
    await redis.stop();
  }
  assert.equal(await reachable(redis.port), false, 'stop() leaves nothing running');
});

test('a test database is fresh and dropped afterwards', async () => {
  const db = await createTestDatabase('testing_selftest');
  const c = new Client({ connectionString: db.url });
  await c.connect();
  const { rows } = await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
  await c.end();
  assert.equal(rows[0].n, 0);
  await db.drop();
  const admin = new Client({ connectionString: db.url.replace(db.name, 'postgres') });
  await admin.connect();
  const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
  await admin.end();
  assert.equal(left.rowCount, 0);
});

test('waitFor reports what it waited for when time runs out', async () => {
  assert.ok((await freePort()) > 0);
  await assert.rejects(waitFor('the impossible', () => false, 100), /the impossible/);
});
