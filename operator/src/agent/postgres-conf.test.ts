import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentConfig } from './config';
import { confQuote, convergeConf, passfile, passfileLine, pgHba, primaryConninfo, withInclude, withoutPrimaryConninfo, INCLUDE_LINE } from './postgres-conf';

const cfg = {
  instance: 'pg-2',
  cluster: 'pg',
  pgPort: 5432,
  socketDir: '/tmp',
  superuser: { username: 'postgres', password: 's:e\\cret' },
  replication: { username: 'replicator', password: "it's" },
  postgres: { parameters: { max_connections: '200', listen_addresses: 'localhost' }, synchronous: 'ANY 1 (*)', databases: [] },
} as unknown as AgentConfig;

test('converge.conf: the ConfigMap first, then what the agent needs (later wins), quoted', () => {
  const text = convergeConf(cfg, undefined, '/tmp/p');
  const lines = text.split('\n');
  assert.ok(lines.includes("max_connections = '200'"));
  assert.ok(lines.indexOf("listen_addresses = '*'") > lines.indexOf("listen_addresses = 'localhost'"));
  for (const l of ["wal_level = 'replica'", "wal_log_hints = 'on'", "hot_standby = 'on'", "synchronous_standby_names = 'ANY 1 (*)'", "synchronous_commit = 'on'"]) {
    assert.ok(lines.includes(l), l);
  }
  assert.ok(!text.includes('primary_conninfo'), 'a primary has no upstream');
});

test('a replica streams as itself with the password in the passfile, never in the config', () => {
  const text = convergeConf(cfg, { host: 'pg-rw', port: 5432 }, '/tmp/pass');
  assert.match(text, /primary_conninfo = 'host=pg-rw port=5432 user=replicator application_name=pg-2 passfile=\/tmp\/pass/);
  assert.match(text, /recovery_target_timeline = 'latest'/);
  assert.ok(!text.includes("it''s") && !text.includes('cret'));
  assert.equal(primaryConninfo(cfg, { host: 'a b', port: 1 }, '/p').split(' ')[0], "host='a");
});

test('quoting: config literals double quotes; passfile fields escape : and \\', () => {
  assert.equal(confQuote("a'b\\c"), "'a''b\\\\c'");
  assert.equal(passfileLine('*', '*', '*', 'u', 'a:b\\c'), '*:*:*:u:a\\:b\\\\c');
  assert.ok(passfile(cfg).includes('replicator:it\'s'));
});

test('pg_hba: scram from anywhere, trust on the socket only, replication for the replication user', () => {
  const rules = pgHba(cfg).split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/));
  assert.deepEqual(rules.filter((r) => r.includes('trust')), [['local', 'all', 'all', 'trust']]);
  assert.ok(rules.some((r) => r[0] === 'host' && r[1] === 'replication' && r[2] === 'replicator' && r[4] === 'scram-sha-256'));
  assert.ok(rules.filter((r) => r[0] === 'host').every((r) => r[4] === 'scram-sha-256'));
});

test('the include line is added once; pg_basebackup -R\'s primary_conninfo is dropped', () => {
  const once = withInclude('a = 1\n');
  assert.equal(withInclude(once), once);
  assert.ok(once.endsWith(`${INCLUDE_LINE}\n`));
  assert.equal(withoutPrimaryConninfo("x = 1\nprimary_conninfo = 'host=h'\n"), 'x = 1\n');
});
