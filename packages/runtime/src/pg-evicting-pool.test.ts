import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client, type PoolClient } from 'pg';
import { checkWritable, createServingPool } from './pg-evicting-pool';

// The machine's PostgreSQL; nothing is written (every statement here is refused or read-only).
const url = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pool = createServingPool({ connectionString: url, max: 1 });
after(() => pool.end());

const pidOf = async (c: PoolClient | typeof pool): Promise<number> =>
  (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

async function terminate(pid: number): Promise<void> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  await admin.end();
}

test('a connection that hit a read-only server is destroyed; one that hit an application error is kept', async () => {
  let c = await pool.connect();
  const first = await pidOf(c);
  await assert.rejects(c.query('SELECT 1 / 0'), { code: '22012' });
  c.release();

  // A transaction's client, as the services hold them: the session turns read-only (a replica).
  c = await pool.connect();
  assert.equal(await pidOf(c), first, 'division by zero says nothing about the connection');
  await c.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  await assert.rejects(c.query('CREATE TABLE never_created (id int)'), { code: '25006' });
  c.release(); // no error passed: the pool remembers it
  assert.notEqual(await pidOf(pool), first, 'the next query runs on a fresh connection');
});

test('a checked-out connection the server terminates neither crashes the process nor returns to the pool', async () => {
  const c = await pool.connect();
  const pid = await pidOf(c);
  // Between two statements, as a failover's shutdown of the old primary would (57P01).
  await terminate(pid);
  await assert.rejects(c.query('SELECT 1'));
  c.release();
  assert.notEqual(await pidOf(pool), pid, 'the pool reconnected by itself');
});

test('readiness refuses a read-only server and evicts the connection it asked on', async () => {
  await checkWritable(pool);
  const c = await pool.connect();
  await c.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  c.release();
  await assert.rejects(checkWritable(pool), { code: '25006' });
  await checkWritable(pool);
});
