// Three real agents (each main.js as its own process, as in a pod) over real PostgreSQL 15 on
// 127.0.0.1: bootstrap, clone, a primary crash, promote, rewind, fence, the token, SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, waitFor } from '@converge/testing';
import { Client } from 'pg';
import { postgresOsUser } from './pg-tools';
import type { AgentStatus, OrderName } from './protocol';

const TOKEN = 'agent-token-for-tests';
const APP = { username: 'converge', password: 'app-pass-123' };
const MAIN = join(__dirname, 'main.js');

interface TestAgent {
  name: string;
  pgPort: number;
  url: string;
  dir: string;
  proc: ChildProcess;
  output: () => string;
}

function writeSecrets(dir: string): void {
  const put = (name: string, key: string, value: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, key), `${value}\n`, { mode: 0o600 });
  };
  put('superuser', 'username', 'postgres');
  put('superuser', 'password', 'super-pass-123');
  put('replication', 'username', 'replicator');
  put('replication', 'password', "repl'pass:1");
  put('app', 'username', APP.username);
  put('app', 'password', APP.password);
  put('agent', 'token', TOKEN);
}

async function startAgent(name: string): Promise<TestAgent> {
  const dir = mkdtempSync(join(tmpdir(), `converge-agent-${name}-`));
  const user = postgresOsUser();
  // The postgres OS user (when the tests run as root) must reach its directories inside.
  chmodSync(dir, 0o755);
  for (const d of ['data', 'sock', 'tmp']) {
    mkdirSync(join(dir, d), { mode: 0o700 });
    if (user) chownSync(join(dir, d), user.uid, user.gid);
  }
  writeSecrets(join(dir, 'secrets'));
  // A test cluster: no fsync, little memory (three run at once on a small machine).
  const config = { parameters: { fsync: 'off', shared_buffers: '16MB', max_connections: '30' }, synchronous: 'ANY 1 (*)', databases: ['converge_chat'] };
  writeFileSync(join(dir, 'postgresql.json'), JSON.stringify(config));
  const [pgPort, agentPort] = [await freePort(), await freePort()];
  let out = '';
  const proc = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      INSTANCE_NAME: name,
      CLUSTER_NAME: 'pg',
      PGDATA: join(dir, 'data', 'pgdata'),
      PGPORT: String(pgPort),
      AGENT_PORT: String(agentPort),
      AGENT_HOST: '127.0.0.1',
      PG_SOCKET_DIR: join(dir, 'sock'),
      AGENT_TMP_DIR: join(dir, 'tmp'),
      SECRETS_DIR: join(dir, 'secrets'),
      CONFIG_FILE: join(dir, 'postgresql.json'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${agentPort}`;
  await waitFor(`agent ${name}`, async () => (await fetch(`${url}/healthz`)).ok, 20_000);
  return { name, pgPort, url, dir, proc, output: () => out };
}

async function order(a: TestAgent, name: OrderName, body: object = {}): Promise<{ code: number; body: AgentStatus & { error?: string } }> {
  const res = await fetch(`${a.url}/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { code: res.status, body: (await res.json()) as AgentStatus & { error?: string } };
}

async function orderOk(a: TestAgent, name: OrderName, body: object = {}): Promise<AgentStatus> {
  const r = await order(a, name, body);
  assert.equal(r.code, 200, `${name} on ${a.name}: ${JSON.stringify(r.body)}\n${a.output().slice(-3000)}`);
  assert.equal(r.body.lastError, null, `${name} on ${a.name} failed: ${r.body.lastError}\n${a.output().slice(-3000)}`);
  return r.body;
}

async function status(a: TestAgent): Promise<AgentStatus> {
  const res = await fetch(`${a.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as AgentStatus;
}

/** The app's connection: over TCP with its password, as a service in the cluster would. */
async function appQuery(a: TestAgent, sql: string, params: unknown[] = [], password = APP.password): Promise<Record<string, unknown>[]> {
  const c = new Client({ host: '127.0.0.1', port: a.pgPort, user: APP.username, password, database: 'converge_chat', connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await c.end().catch(() => undefined);
  }
}

function postmasterPid(a: TestAgent): number {
  return Number(readFileSync(join(a.dir, 'data', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const upstreamOf = (a: TestAgent) => ({ primaryHost: '127.0.0.1', primaryPort: a.pgPort });

describe('the instance agent on real PostgreSQL', () => {
  const agents: TestAgent[] = [];
  let pg0: TestAgent, pg1: TestAgent, pg2: TestAgent;

  before(async () => {
    pg0 = await startAgent('pg-0');
    pg1 = await startAgent('pg-1');
    pg2 = await startAgent('pg-2');
    agents.push(pg0, pg1, pg2);
  });

  after(async () => {
    for (const a of agents) {
      if (a.proc.exitCode === null && a.proc.signalCode === null) {
        const gone = new Promise((r) => a.proc.once('exit', r));
        a.proc.kill('SIGTERM');
        await gone;
      }
      rmSync(a.dir, { recursive: true, force: true });
    }
  });

  it('waits with empty data, and refuses /status and orders without the right token', async () => {
    assert.equal((await fetch(`${pg0.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${pg0.url}/readyz`)).status, 503);
    assert.equal((await fetch(`${pg0.url}/status`)).status, 401);
    assert.equal((await fetch(`${pg0.url}/status`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(`${pg0.url}/bootstrap`, { method: 'POST' })).status, 401);
    const s = await status(pg0);
    assert.deepEqual([s.state, s.role, s.dataKind], ['waiting', 'none', 'empty']);
    assert.equal((await order(pg0, 'promote')).code, 409);
  });

  it('bootstraps a primary; clones two replicas that stream as quorum standbys; the app writes with its password', async () => {
    const s0 = await orderOk(pg0, 'bootstrap');
    assert.deepEqual([s0.state, s0.role, s0.dataKind, s0.ready], ['running', 'primary', 'primary', true]);
    assert.equal((await orderOk(pg0, 'bootstrap')).role, 'primary', 'a repeated order answers 200');
    for (const r of [pg1, pg2]) {
      const s = await orderOk(r, 'clone', upstreamOf(pg0));
      assert.deepEqual([s.state, s.role, s.dataKind], ['running', 'replica', 'replica']);
      assert.equal(s.systemIdentifier, s0.systemIdentifier);
    }
    await waitFor('both standbys in the quorum', async () => {
      const sb = (await status(pg0)).standbys;
      return sb.length === 2 && sb.every((x) => x.state === 'streaming' && x.syncState === 'quorum');
    }, 30_000);
    assert.deepEqual((await status(pg0)).standbys.map((x) => x.name), ['pg-1', 'pg-2']);
    await appQuery(pg0, 'CREATE TABLE notes (body text)');
    await appQuery(pg0, "INSERT INTO notes VALUES ('before the crash')");
    await assert.rejects(appQuery(pg0, 'SELECT 1', [], 'wrong'), /password authentication failed/);
    assert.equal((await fetch(`${pg1.url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${pg0.url}/metrics`)).text();
    assert.match(metrics, /converge_agent_role\{role="primary"[^}]*\} 1/);
    assert.match(metrics, /converge_agent_orders_total\{order="bootstrap",result="ok"[^}]*\} 2/);
  });

  it('restarts a replica whose postgres died', async () => {
    const before = postmasterPid(pg2);
    process.kill(-before, 'SIGKILL');
    await waitFor('pg-2 running again', async () => {
      const s = await status(pg2);
      return s.state === 'running' && s.ready && postmasterPid(pg2) !== before;
    }, 60_000);
    await waitFor('pg-2 streaming again', async () => (await status(pg0)).standbys.some((x) => x.name === 'pg-2' && x.state === 'streaming'), 30_000);
  });

  it('a killed primary waits (crashed); a promoted replica has the row; the old primary rejoins by rewind and refuses writes', async () => {
    process.kill(-postmasterPid(pg0), 'SIGKILL');
    await waitFor('pg-0 waiting and crashed', async () => {
      const s = await status(pg0);
      return s.state === 'waiting' && s.crashed && s.role === 'none';
    }, 30_000);

    const p = await orderOk(pg1, 'promote');
    assert.deepEqual([p.role, p.state], ['primary', 'running']);
    assert.equal(p.timeline, 2);
    assert.deepEqual(await appQuery(pg1, 'SELECT body FROM notes'), [{ body: 'before the crash' }]);

    await orderOk(pg2, 'rejoin', upstreamOf(pg1));
    const r0 = await orderOk(pg0, 'rejoin', upstreamOf(pg1));
    assert.deepEqual([r0.role, r0.dataKind], ['replica', 'replica']);
    assert.match(pg0.output(), /"rewind":"done"/, 'the old primary had diverged: it was rewound');
    await waitFor('pg-0 and pg-2 stream from pg-1', async () => {
      const sb = (await status(pg1)).standbys;
      return ['pg-0', 'pg-2'].every((n) => sb.some((x) => x.name === n && x.state === 'streaming' && x.syncState === 'quorum'));
    }, 60_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${JSON.stringify(await status(pg1))}\n${JSON.stringify(await status(pg0))}\n${pg0.output().slice(-4000)}`);
    });
    await appQuery(pg1, "INSERT INTO notes VALUES ('after the failover')");
    await waitFor('the new row on pg-0', async () => (await appQuery(pg0, 'SELECT count(*)::int AS n FROM notes'))[0]?.n === 2, 30_000);
    await assert.rejects(appQuery(pg0, "INSERT INTO notes VALUES ('on a replica')"), /read-only transaction/);
    const s0 = await status(pg0);
    assert.equal(s0.upstream, `127.0.0.1:${pg1.pgPort}`);
    assert.equal(s0.timeline, 2);
  });

  it('a fenced primary accepts no write and stays down', async () => {
    const f = await orderOk(pg1, 'fence');
    assert.deepEqual([f.state, f.role, f.crashed], ['fenced', 'none', false]);
    await assert.rejects(appQuery(pg1, "INSERT INTO notes VALUES ('fenced')"));
    assert.equal((await order(pg1, 'promote')).code, 409);
    assert.equal((await status(pg1)).state, 'fenced');
    assert.equal((await orderOk(pg1, 'start-primary')).role, 'primary');
  });

  it('SIGTERM stops postgres and the agent exits 0', async () => {
    const pid = postmasterPid(pg2);
    const exit = new Promise<number | null>((r) => pg2.proc.once('exit', (code) => r(code)));
    pg2.proc.kill('SIGTERM');
    assert.equal(await exit, 0);
    assert.equal(alive(pid), false);
  });
});
