// The life cycle every test-owned server shares: a free port, a temp dir, start, wait for the port,
// kill / restart / stop by PID.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Resolves when the process has exited (at once if it already has). */
export function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

export function isAlive(p: ChildProcess | undefined): p is ChildProcess {
  return Boolean(p && p.exitCode === null && p.signalCode === null);
}

/** Runs `start(port, dir)` and keeps it restartable on the same port and directory. */
export async function managed(
  name: string,
  url: (port: number) => string,
  start: (port: number, dir: string) => ChildProcess,
  opts: { port?: number; dir?: string } = {},
): Promise<TestServer> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `converge-${name}-`));
  let proc: ChildProcess | undefined;
  const up = async () => {
    proc = start(port, dir);
    const p = proc;
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    // An exit ends the wait at once (waitFor retries on a thrown error, so it is checked after).
    await waitFor(`${name} on :${port}`, async () => p.exitCode !== null || portOpen(port));
    if (p.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
  };
  try {
    await up();
  } catch (e) {
    if (isAlive(proc)) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
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
      if (isAlive(proc)) await server.kill();
      await up();
    },
    async stop() {
      if (isAlive(proc)) {
        proc.kill('SIGTERM');
        await exited(proc);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
