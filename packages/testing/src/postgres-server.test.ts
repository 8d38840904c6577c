import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { portOpen } from './managed-server';
import { waitFor } from './ports';
import { passwdEntry, query, startPostgresServer } from './postgres-server';

test('passwdEntry reads uid and gid of a user', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n';
  assert.deepEqual(passwdEntry(passwd, 'postgres'), { uid: 101, gid: 104 });
  assert.equal(passwdEntry(passwd, 'nobody'), undefined);
});

test('a row written on the primary is read on the replica; promote makes the replica writable', { timeout: 180_000 }, async () => {
  const primary = await startPostgresServer({ replicas: 1 });
  const replica = primary.replicas[0]!;
  const dirs = [primary.dataDir, replica.dataDir];
  const pids = [primary.pid, replica.pid];
  try {
    assert.notEqual(primary.port, 5432);
    assert.notEqual(replica.port, primary.port);
    await query(primary.url, 'CREATE TABLE t (v text)');
    await query(primary.url, "INSERT INTO t VALUES ('from the primary')");
    await waitFor('the row on the replica', async () => (await query(replica.url, 'SELECT v FROM t')).length === 1);
    assert.deepEqual(await query(replica.url, 'SELECT v FROM t'), [{ v: 'from the primary' }]);
    await assert.rejects(query(replica.url, "INSERT INTO t VALUES ('x')"), /read-only transaction/);

    await primary.kill();
    assert.equal(await portOpen(primary.port), false, 'the primary is gone');
    await replica.promote();
    await query(replica.url, "INSERT INTO t VALUES ('after the promotion')");
    assert.deepEqual((await query(replica.url, 'SELECT v FROM t ORDER BY v')).map((r) => r.v), ['after the promotion', 'from the primary']);
  } finally {
    await primary.stop();
  }
  for (const d of dirs) assert.equal(existsSync(d), false, `${d} removed`);
  for (const pid of pids) assert.throws(() => process.kill(pid!, 0), 'stopped by PID');
});

test('a killed PostgreSQL restarts on its port with what it had committed; a synchronous replica is sync', { timeout: 180_000 }, async () => {
  const primary = await startPostgresServer({ replicas: 1, synchronous: true });
  try {
    const [row] = await query(primary.url, 'SELECT application_name AS name, sync_state FROM pg_stat_replication');
    assert.deepEqual(row, { name: primary.replicas[0]!.name, sync_state: 'quorum' });
    // The replica is killed: a synchronous commit would now wait, so the test stops it first.
    await primary.replicas[0]!.stop();
    primary.replicas.length = 0;
    await query(primary.url, "ALTER SYSTEM SET synchronous_standby_names = ''");
    await query(primary.url, 'SELECT pg_reload_conf()');
    await query(primary.url, 'CREATE TABLE kept (n int)');
    await query(primary.url, 'INSERT INTO kept VALUES (1)');
    const before = primary.pid;
    await primary.kill();
    assert.equal(await portOpen(primary.port), false);
    await primary.restart();
    assert.notEqual(primary.pid, before);
    assert.deepEqual(await query(primary.url, 'SELECT n FROM kept'), [{ n: 1 }]);
  } finally {
    await primary.stop();
  }
  assert.equal(await portOpen(primary.port), false, 'stop() leaves nothing running');
});
