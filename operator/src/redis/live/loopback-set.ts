// Test support (not a test): 3 redis-server and 3 redis-sentinel processes on loopback with a password,
// each on a free port with its own temp dir, stopped by PID. The Sentinels start monitoring nothing,
// as the operator's pods do, so the code under test has to bootstrap them.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@converge/testing';
import type { SetUnderWatch } from './pass';

export interface LoopbackProcess {
  name: string;
  port: number;
  readonly pid: number | undefined;
  kill(): Promise<void>;
  /** Starts again on the same port; `fresh` rewrites the initial config first (a Sentinel that lost its state). */
  start(fresh?: boolean): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<void>;
}

const exited = (p: ChildProcess) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r())));

async function processOn(name: string, config: (port: number, dir: string) => string, args: (conf: string) => string[]): Promise<LoopbackProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `converge-${name}-`));
  const conf = join(dir, 'node.conf');
  let proc: ChildProcess | undefined;
  const alive = () => !!proc && proc.exitCode === null && proc.signalCode === null;
  const self: LoopbackProcess = {
    name,
    port,
    get pid() {
      return proc?.pid;
    },
    async start(fresh = false) {
      if (fresh || !proc) writeFileSync(conf, config(port, dir));
      const p = spawn('redis-server', args(conf), { stdio: ['ignore', 'ignore', 'pipe'] });
      proc = p;
      let err = '';
      p.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
      await waitFor(`${name} on :${port}`, async () => {
        if (p.exitCode !== null) throw new Error(`${name} exited: ${err}`);
        const { connect } = await import('node:net');
        return new Promise<boolean>((res) => {
          const s = connect({ port, host: '127.0.0.1' });
          s.once('connect', () => (s.destroy(), res(true)));
          s.once('error', () => res(false));
        });
      });
    },
    async kill() {
      if (alive()) {
        proc!.kill('SIGKILL');
        await exited(proc!);
      }
    },
    signal(sig) {
      if (alive()) proc!.kill(sig);
    },
    async stop() {
      if (alive()) {
        proc!.kill('SIGCONT');
        proc!.kill('SIGTERM');
        await exited(proc!);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

export interface LoopbackSet {
  redis: LoopbackProcess[];
  sentinels: LoopbackProcess[];
  password: string;
  masterName: string;
  /** What the pass code watches: the set as the operator would see it. */
  watch: SetUnderWatch;
  stop(): Promise<void>;
}

export async function startLoopbackSet(o: { replicas?: number; sentinels?: number; downAfterMs?: number; failoverTimeoutMs?: number } = {}): Promise<LoopbackSet> {
  const password = 'loop-pass';
  const masterName = 'converge';
  const all: LoopbackProcess[] = [];
  try {
    const redis: LoopbackProcess[] = [];
    for (let i = 0; i < (o.replicas ?? 3); i++) {
      const p = await processOn(
        `r${i}`,
        (port, dir) => [`port ${port}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', `dir ${dir}`, `requirepass ${password}`, `masterauth ${password}`, ''].join('\n'),
        (conf) => [conf],
      );
      all.push(p);
      redis.push(p);
    }
    const sentinels: LoopbackProcess[] = [];
    for (let i = 0; i < (o.sentinels ?? 3); i++) {
      // The image's sentinel.conf without a master: what a Sentinel pod starts with.
      const p = await processOn(
        `s${i}`,
        (port, dir) => [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'sentinel resolve-hostnames yes', `requirepass ${password}`, ''].join('\n'),
        (conf) => [conf, '--sentinel'],
      );
      all.push(p);
      sentinels.push(p);
    }
    const watch: SetUnderWatch = {
      redis: redis.map((r) => ({ name: r.name, host: '127.0.0.1', port: r.port, addresses: [`127.0.0.1:${r.port}`] })),
      sentinels: sentinels.map((s) => ({ name: s.name, host: '127.0.0.1', port: s.port })),
      password,
      masterName,
      quorum: Math.floor(sentinels.length / 2) + 1,
      replicas: redis.length,
      sentinelCount: sentinels.length,
      timings: { downAfterMs: o.downAfterMs ?? 1000, failoverTimeoutMs: o.failoverTimeoutMs ?? 5000 },
      bootstrapPod: 'r0',
    };
    return { redis, sentinels, password, masterName, watch, stop: async () => { for (const p of all.reverse()) await p.stop().catch(() => undefined); } };
  } catch (e) {
    for (const p of all.reverse()) await p.stop().catch(() => undefined);
    throw e;
  }
}
