// A built Node service run as a child process, as a pod would run it: ready when GET /readyz answers
// 200, its output kept, stopped with SIGTERM (a drain) and SIGKILL if it hangs.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { exited, isAlive } from './managed-server';
import { freePort, waitFor } from './ports';

export interface ServiceProcessOptions {
  /** For messages: "chat", "user", "web". */
  name: string;
  /** The built entry file (`dist/src/main.js`). */
  entry: string;
  /** Added to this process's environment; PORT and HOST are set here. */
  env: Record<string, string>;
  /** @default a free port */
  port?: number;
  /** METRICS_PORT, where /metrics answers. @default a free port */
  metricsPort?: number;
  /** Also append the output to this file. */
  logFile?: string;
  /** @default 60000 */
  readyTimeoutMs?: number;
}

export interface ServiceProcess {
  name: string;
  url: string;
  port: number;
  /** The metrics listener's base URL: `${metricsUrl}/metrics`. */
  metricsUrl: string;
  /** The current child (a new one after `start()`). */
  readonly child: ChildProcess;
  /** Resolves with the current child's exit code. */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote to stdout and stderr (across restarts). */
  output(): string;
  pid(): number | undefined;
  running(): boolean;
  /** SIGTERM (a graceful stop, as Kubernetes does), SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
  /** Starts it again on the same port and environment and waits until it is ready. */
  start(): Promise<void>;
}

export async function spawnService(opts: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const metricsPort = opts.metricsPort ?? (await freePort());
  let child: ChildProcess | undefined;
  let exit: Promise<number | null> = Promise.resolve(null);
  let log: WriteStream | undefined;
  let out = '';

  const start = async () => {
    log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
    const c = spawn(process.execPath, [opts.entry], {
      env: { ...process.env, ...opts.env, PORT: String(port), METRICS_PORT: String(metricsPort), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    exit = new Promise((r) => c.once('exit', (code) => r(code)));
    const keep = (d: Buffer) => {
      log?.write(d);
      out += d.toString();
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    c.once('exit', () => log?.end());
    // An exit ends the wait at once (waitFor retries on a thrown error, so it is checked after).
    await waitFor(
      `${opts.name} ready on :${port}`,
      async () => c.exitCode !== null || ((await fetch(`${url}/readyz`).catch(() => null))?.ok ?? false),
      opts.readyTimeoutMs ?? 60_000,
      100,
    );
    if (c.exitCode !== null) throw new Error(`${opts.name} exited (${c.exitCode}): ${out.slice(-3000)}`);
  };

  await start();
  return {
    name: opts.name,
    url,
    port,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    get child() {
      return child!;
    },
    get exited() {
      return exit;
    },
    output: () => out,
    pid: () => child?.pid,
    running: () => isAlive(child),
    async stop(graceMs = 10_000) {
      const c = child;
      if (!isAlive(c)) return;
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await exited(c);
      clearTimeout(t);
    },
    start,
  };
}
