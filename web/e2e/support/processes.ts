// Child processes the tests start (services, web server), each logging to a file and stopped by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { waitFor } from '@converge/testing';

export interface Proc {
  name: string;
  url: string;
  pid(): number | undefined;
  /** SIGTERM (a graceful stop, as Kubernetes does), SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
  /** Starts it again with the same port and environment, and waits until it is ready. */
  start(): Promise<void>;
  running(): boolean;
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

/** Runs `node entry` with `env` on `port`, waits for GET /readyz to answer 200. */
export async function startNodeProcess(opts: {
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<Proc> {
  const url = `http://127.0.0.1:${opts.port}`;
  let child: ChildProcess | undefined;
  let log: WriteStream | undefined;
  let tail = '';

  const start = async () => {
    log = createWriteStream(opts.logFile, { flags: 'a' });
    const c = spawn(process.execPath, [opts.entry], {
      env: { ...process.env, ...opts.env, PORT: String(opts.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    const keep = (d: Buffer) => {
      log?.write(d);
      tail = (tail + d.toString()).slice(-3000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    await waitFor(
      `${opts.name} ready on :${opts.port}`,
      async () => {
        if (c.exitCode !== null) throw new Error(`${opts.name} exited (${c.exitCode}): ${tail}`);
        const res = await fetch(`${url}/readyz`).catch(() => null);
        return res?.ok ?? false;
      },
      opts.readyTimeoutMs ?? 30_000,
      100,
    );
  };

  await start();
  return {
    name: opts.name,
    url,
    pid: () => child?.pid,
    running: () => Boolean(child && child.exitCode === null && child.signalCode === null),
    async stop(graceMs = 10_000) {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await exited(c);
      clearTimeout(t);
      log?.end();
    },
    start,
  };
}
