// Child processes the bench starts (servers, load workers), each stopped by its own PID.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@converge/testing';
import type { OpenResult, PhaseResult, PhaseSpec, SocketSpec, WorkerReply, WorkerRequest } from './load-protocol';

const started = new Set<ChildProcess>();
/** Processes started elsewhere for the bench (its own redis-server and nats-server, via @converge/testing). */
const startedPids = new Set<number>();

/** Remembers a PID the bench started through another module, so a crash or Ctrl-C still stops it. */
export function trackPid(pid: number | undefined): void {
  if (pid) startedPids.add(pid);
}

/** After a normal stop: the PID may be reused by anyone from now on, so it must never be signalled. */
export function untrackPid(pid: number | undefined): void {
  if (pid) startedPids.delete(pid);
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(p: ChildProcess, graceMs = 8000): Promise<void> {
  if (p.exitCode === null && p.signalCode === null && p.pid) {
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      // Already dead (killed on Ctrl-C), its exit event not yet seen.
    }
    const t = setTimeout(() => p.pid && p.exitCode === null && p.signalCode === null && process.kill(p.pid, 'SIGKILL'), graceMs);
    await exited(p);
    clearTimeout(t);
  }
  started.delete(p);
}

/** Last resort on a crash or Ctrl-C: SIGKILL whatever is still running, by PID. */
export function killAllStarted(): void {
  for (const p of started) if (p.pid && p.exitCode === null && p.signalCode === null) process.kill(p.pid, 'SIGKILL');
  for (const pid of startedPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone (stopped normally)
    }
  }
  startedPids.clear();
}

export interface ServerProcess {
  name: string;
  url: string;
  /** The preloaded probe (src/probe.ts) of a Node server; none for a server that is not Node (Centrifugo). */
  probeUrl?: string;
  /** Its Prometheus /metrics, when the bench gave it a metrics port (the chat). */
  metricsUrl?: string;
  child: ChildProcess;
  output(): string;
}

/** Keeps the last 20 kB of a child's stdout and stderr (shown when it fails). */
function keepOutput(child: ChildProcess): () => string {
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}

/** Waits until every URL answers 200; fails at once when the process exits meanwhile. */
async function waitReady(name: string, child: ChildProcess, output: () => string, urls: string[]): Promise<void> {
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  // An exit ends the wait at once (waitFor retries on a thrown error, so it is checked after).
  await waitFor(
    `${name} ready at ${urls[0] ?? '?'}`,
    async () => {
      if (gone()) return true;
      for (const u of urls) if (!(await fetch(u)).ok) return false;
      return true;
    },
    60_000,
    100,
  );
  if (gone()) throw new Error(`${name} exited: ${output().slice(-2000)}`);
}

/**
 * A measured server: `node --expose-gc --require probe.js <script>`, ready when `readyPath` answers 200.
 * `nodeArgs` go before the script (e.g. --max-old-space-size).
 */
export async function startServer(o: {
  name: string;
  script: string;
  port: number;
  probePort: number;
  env: Record<string, string>;
  readyPath: string;
  nodeArgs?: string[];
  /** A port for the server's metrics listener (METRICS_PORT); without one it takes any free port. */
  metricsPort?: number;
}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--expose-gc', '--require', join(__dirname, 'probe.js'), ...(o.nodeArgs ?? []), o.script], {
    // Several pods run on this one machine, so each metrics listener has a port of its own.
    env: { ...process.env, METRICS_PORT: String(o.metricsPort ?? 0), ...o.env, PORT: String(o.port), BENCH_PROBE_PORT: String(o.probePort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  const output = keepOutput(child);
  const url = `http://127.0.0.1:${o.port}`;
  const probeUrl = `http://127.0.0.1:${o.probePort}`;
  await waitReady(o.name, child, output, [url + o.readyPath, `${probeUrl}/mem?gc=0`]);
  const metricsUrl = o.metricsPort ? `http://127.0.0.1:${o.metricsPort}/metrics` : undefined;
  return { name: o.name, url, probeUrl, metricsUrl, child, output };
}

/** A measured server that is not Node (no probe): `command ...args`, ready when `readyPath` on `port` answers 200. */
export async function startExecutable(o: { name: string; command: string; args: string[]; port: number; readyPath: string }): Promise<ServerProcess> {
  const child = spawn(o.command, o.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  // A missing or unrunnable binary reports here (then exits), rather than as an unhandled 'error' event.
  child.on('error', () => undefined);
  const output = keepOutput(child);
  const url = `http://127.0.0.1:${o.port}`;
  await waitReady(o.name, child, output, [url + o.readyPath]);
  return { name: o.name, url, child, output };
}

/** Resident set and CPU time of any PID, from /proc (Linux). */
export function procStat(pid: number): { rssBytes: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return { rssBytes: rssKb * 1024, cpuSeconds: ticks / 100 };
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat, all cores). */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** A load-generating child process (load-worker.ts) and its request/reply channel. */
export class LoadWorker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly child: ChildProcess;

  constructor(readonly index: number) {
    this.child = fork(join(__dirname, 'load-worker.js'), [], {
      env: { ...process.env, BENCH_WORKER_ID: String(index) },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    started.add(this.child);
    this.child.on('message', (r: WorkerReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (r.ok) w.resolve(r.result);
      else w.reject(new Error(`worker ${index}: ${r.error}`));
    });
    // A send after the worker died (e.g. killed on Ctrl-C) reports here rather than crashing the bench.
    this.child.on('error', (e) => {
      for (const w of this.waiting.values()) w.reject(new Error(`worker ${index}: ${e.message}`));
      this.waiting.clear();
    });
    this.child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`worker ${index} exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  private ask<T>(req: WorkerRequest): Promise<T> {
    if (!this.child.connected) return Promise.reject(new Error(`worker ${this.index} is gone`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, req });
    });
  }

  open(specs: SocketSpec[], concurrency = 25): Promise<OpenResult> {
    return this.ask({ op: 'open', specs, concurrency });
  }
  phase(phase: PhaseSpec): Promise<PhaseResult> {
    return this.ask({ op: 'phase', phase });
  }
  close(): Promise<{ closed: number }> {
    return this.ask({ op: 'close' });
  }
  async exit(): Promise<void> {
    if (this.child.connected) await this.ask({ op: 'exit' }).catch(() => undefined);
    await Promise.race([exited(this.child), new Promise((r) => setTimeout(r, 2000))]);
    await stopProcess(this.child, 1000);
  }
}
