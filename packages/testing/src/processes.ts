import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports';

/** A server process a test started itself (and may kill or restart); stopped by its PID. */
export interface TestServer {
  port: number;
  url: string;
  pid: number | undefined;
  /** SIGKILL, then wait for exit (an outage or a crash). */
  kill(): Promise<void>;
  /** Start again on the same port with the same data directory. */
  restart(): Promise<void>;
  /** SIGTERM and clean the data directory. */
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

async function managed(name: string, url: (port: number) => string, start: (port: number, dir: string) => ChildProcess): Promise<TestServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `converge-${name}-`));
  let proc: ChildProcess | undefined;
  const up = async () => {
    proc = start(port, dir);
    const p = proc;
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    await waitFor(`${name} on :${port}`, async () => {
      if (p.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
      return portOpen(port);
    });
  };
  await up();
  const server: TestServer = {
    port,
    url: url(port),
    get pid() {
      return proc?.pid;
    },
    async kill() {
      if (!proc) return;
      proc.kill('SIGKILL');
      await exited(proc);
    },
    async restart() {
      if (proc && proc.exitCode === null && proc.signalCode === null) await server.kill();
      await up();
    },
    async stop() {
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited(proc);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Its own nats-server with JetStream, on a free loopback port, storage in a temp dir. */
export function startNatsServer(): Promise<TestServer> {
  return managed('nats', (p) => `nats://127.0.0.1:${p}`, (port, dir) =>
    spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
}

/** Its own redis-server on a free loopback port, nothing persisted. */
export function startRedisServer(): Promise<TestServer> {
  return managed('redis', (p) => `redis://127.0.0.1:${p}`, (port, dir) => {
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, `port ${port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir ${dir}\n`);
    return spawn('redis-server', [conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  });
}
