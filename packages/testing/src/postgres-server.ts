// Its own PostgreSQL 15 cluster (Debian's binaries) for tests that kill, restart, replicate or promote
// a database: own data dir, socket dir and free port on 127.0.0.1. The machine's :5432 is never touched.
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { exited, isAlive } from './managed-server';
import { freePort, waitFor } from './ports';
import { runCommand } from './run-command';

export const PG_BIN = process.env.CONVERGE_PG_BIN ?? '/usr/lib/postgresql/15/bin';
// A plain environment: the tools run as another OS user, with no access to this one's HOME.
const PG_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };

export interface PostgresServerOptions {
  /** Streaming replicas started with the primary. @default 0 */
  replicas?: number;
  /** The replicas started here are synchronous: a commit waits for one of them. @default false */
  synchronous?: boolean;
  /** Extra server settings (`-c name=value`), e.g. `{ synchronous_commit: 'remote_apply' }`. */
  settings?: Record<string, string>;
}

export interface PostgresServer {
  /** Its `cluster_name`, also the replica's `application_name` on the primary. */
  name: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust). */
  url: string;
  dataDir: string;
  pid: number | undefined;
  /** Replicas of this server started with `replicas` or `startReplica()`. */
  replicas: PostgresServer[];
  /** SIGKILL to the postmaster and its backends (a crash); waits until all are gone. */
  kill(): Promise<void>;
  /** Starts again on the same port and data dir (crash recovery after `kill()`). */
  restart(): Promise<void>;
  /** Fast shutdown of its replicas and itself, then removes the directories. */
  stop(): Promise<void>;
  /** A streaming replica (`pg_basebackup -R -X stream`) on its own port and data dir. */
  startReplica(opts?: { synchronous?: boolean }): Promise<PostgresServer>;
  /** Ends recovery on a replica (`pg_promote()`) and waits until it accepts writes. */
  promote(): Promise<void>;
}

interface OsUser {
  uid: number;
  gid: number;
}

/** uid and gid of `name` from /etc/passwd text. */
export function passwdEntry(passwd: string, name: string): OsUser | undefined {
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** PostgreSQL refuses to run as root: as root, everything runs as the `postgres` OS user. */
function runAs(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const u = passwdEntry(readFileSync('/etc/passwd', 'utf8'), 'postgres');
  if (!u) throw new Error('running as root and there is no postgres OS user to run PostgreSQL as');
  return u;
}

function ownDir(prefix: string, user: OsUser | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'sock'));
  if (user) for (const d of [dir, join(dir, 'sock')]) chownSync(d, user.uid, user.gid);
  return dir;
}

function pgSpawn(bin: string, args: string[], user: OsUser | undefined, detached = false): ChildProcess {
  return spawn(join(PG_BIN, bin), args, {
    ...(user ?? {}),
    detached,
    cwd: tmpdir(),
    env: PG_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a PostgreSQL tool to completion (bounded), with its output in the error. */
function run(bin: string, args: string[], user: OsUser | undefined): Promise<void> {
  return runCommand(join(PG_BIN, bin), args, { ...(user ?? {}), cwd: tmpdir(), env: PG_ENV });
}

/** Live (not zombie) PIDs in process group `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: state ppid pgrp ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') out.push(Number(entry));
    } catch {
      // The process went away while we read.
    }
  }
  return out;
}

export async function query<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

async function serve(name: string, dir: string, user: OsUser | undefined, settings: Record<string, string>, port?: number): Promise<PostgresServer> {
  const p = port ?? (await freePort());
  const dataDir = join(dir, 'data');
  const url = `postgres://postgres@127.0.0.1:${p}/postgres`;
  let proc: ChildProcess | undefined;
  let log = '';

  const up = async () => {
    const args = ['-D', dataDir, '-p', String(p), '-k', join(dir, 'sock'), '-c', 'listen_addresses=127.0.0.1', '-c', `cluster_name=${name}`];
    // A test cluster: no fsync, small memory (several run at once on a small machine).
    const all = { fsync: 'off', shared_buffers: '16MB', max_connections: '40', ...settings };
    for (const [k, v] of Object.entries(all)) args.push('-c', `${k}=${v}`);
    // Its own process group, so a kill reaches the backends as a crash would.
    const c = pgSpawn('postgres', args, user, true);
    proc = c;
    c.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-3000)));
    c.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-3000)));
    await waitFor(`postgres ${name} on :${p}`, async () => c.exitCode !== null || (await query(url, 'SELECT 1'), true), 60_000, 100);
    if (c.exitCode !== null) throw new Error(`postgres ${name} exited (${c.exitCode}): ${log}`);
  };

  const killGroup = async () => {
    const c = proc;
    if (!c?.pid) return;
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await exited(c);
    // The backends must be gone too, or a restart finds the old shared memory still attached.
    await waitFor(`postgres ${name} backends gone`, () => groupMembers(c.pid!).length === 0, 15_000);
  };

  const replicas: PostgresServer[] = [];
  const syncNames: string[] = [];
  const server: PostgresServer = {
    name,
    port: p,
    url,
    dataDir,
    get pid() {
      return proc?.pid;
    },
    replicas,
    kill: killGroup,
    async restart() {
      if (isAlive(proc)) await killGroup();
      await up();
    },
    async stop() {
      for (const r of replicas.splice(0).reverse()) await r.stop();
      if (isAlive(proc)) {
        // SIGINT is PostgreSQL's fast shutdown; SIGKILL to the group if it hangs.
        proc.kill('SIGINT');
        const t = setTimeout(() => void killGroup(), 20_000);
        await exited(proc);
        clearTimeout(t);
        await waitFor(`postgres ${name} backends gone`, () => groupMembers(proc!.pid!).length === 0, 15_000);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    async startReplica(opts = {}) {
      const rName = `${name}_r${replicas.length + 1}`;
      const rDir = ownDir('converge-pg-', user);
      let replica: PostgresServer | undefined;
      try {
        await run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(p), '-U', 'postgres', '-D', join(rDir, 'data'), '-R', '-X', 'stream', '-c', 'fast', '-N'], user);
        replica = await serve(rName, rDir, user, settings);
      } catch (e) {
        rmSync(rDir, { recursive: true, force: true });
        throw e;
      }
      replicas.push(replica);
      await waitFor(`${rName} streaming from ${name}`, async () => {
        const rows = await query(url, 'SELECT state FROM pg_stat_replication WHERE application_name = $1', [rName]);
        return rows[0]?.state === 'streaming';
      }, 30_000, 100);
      if (opts.synchronous) {
        // Every synchronous replica of this primary: a commit waits for any one of them.
        syncNames.push(rName);
        await query(url, `ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (${syncNames.map((n) => `"${n}"`).join(', ')})'`);
        await query(url, 'SELECT pg_reload_conf()');
        await waitFor(`${rName} synchronous`, async () => {
          const rows = await query(url, 'SELECT sync_state FROM pg_stat_replication WHERE application_name = $1', [rName]);
          return rows[0]?.sync_state === 'quorum' || rows[0]?.sync_state === 'sync';
        }, 30_000, 100);
      }
      return replica;
    },
    async promote() {
      await query(url, 'SELECT pg_promote(true, 60)');
      await waitFor(`${name} promoted`, async () => (await query(url, 'SELECT pg_is_in_recovery() AS r'))[0]?.r === false, 60_000, 100);
    },
  };
  try {
    await up();
  } catch (e) {
    if (isAlive(proc)) await killGroup();
    throw e;
  }
  return server;
}

/** A fresh PostgreSQL 15 primary (initdb, trust, UTF8), with `replicas` streaming replicas. */
export async function startPostgresServer(opts: PostgresServerOptions = {}): Promise<PostgresServer> {
  const user = runAs();
  const dir = ownDir('converge-pg-', user);
  let primary: PostgresServer | undefined;
  try {
    await run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N'], user);
    primary = await serve('primary', dir, user, opts.settings ?? {});
    for (let i = 0; i < (opts.replicas ?? 0); i++) await primary.startReplica({ synchronous: opts.synchronous ?? false });
    return primary;
  } catch (e) {
    if (primary) await primary.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
