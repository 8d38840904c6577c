// The postgres server as the agent's child: start, wait until it answers, fast stop, and tell the
// agent when it dies without being asked to.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '@converge/runtime';
import type { PgTools } from './pg-tools';

/** Live (not zombie) PIDs in process group `pgid`, from /proc. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') out.push(Number(entry));
    } catch {
      // Gone while we read.
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ExitListener = (info: { code: number | null; signal: NodeJS.Signals | null; expected: boolean }) => void;

export class Postmaster {
  private proc: ChildProcess | undefined;
  private stopping = false;
  private logTail = '';
  private exitListener: ExitListener = () => undefined;

  constructor(
    private readonly tools: PgTools,
    private readonly pgData: string,
    private readonly log: Logger,
  ) {}

  get running(): boolean {
    return Boolean(this.proc && this.proc.exitCode === null && this.proc.signalCode === null);
  }

  get pid(): number | undefined {
    return this.running ? this.proc?.pid : undefined;
  }

  onExit(listener: ExitListener): void {
    this.exitListener = listener;
  }

  /** The last lines postgres wrote (for an error message when it will not start). */
  tail(): string {
    return this.logTail.slice(-1500).trim();
  }

  /** Starts postgres and resolves once `ready()` answers; rejects when it exits first. */
  async start(ready: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    this.logTail = '';
    // Its own process group: after a crash the agent can make sure no orphaned backend still holds
    // the shared memory, which would stop the next start.
    const c = this.tools.spawn('postgres', ['-D', this.pgData], { detached: true });
    this.proc = c;
    const keep = (d: Buffer) => {
      const text = d.toString();
      this.logTail = (this.logTail + text).slice(-8000);
      for (const line of text.split('\n')) if (line.trim()) this.log.info({ line }, 'postgres');
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    c.once('exit', (code, signal) => {
      const expected = this.stopping;
      void this.reapGroup(c).then(() => this.exitListener({ code, signal, expected }));
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`postgres exited (${c.signalCode ?? c.exitCode}): ${this.tail()}`);
      if (await ready().catch(() => false)) return;
      await sleep(100);
    }
    throw new Error(`postgres did not accept connections within ${timeoutMs} ms: ${this.tail()}`);
  }

  /** Fast shutdown (SIGINT: disconnect clients, checkpoint, exit); SIGKILL to the group if it hangs. */
  async stop(timeoutMs = 60_000): Promise<void> {
    const c = this.proc;
    if (!c || !this.running) return;
    this.stopping = true;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGINT');
    const timer = setTimeout(() => {
      this.log.warn({ pid: c.pid }, 'postgres did not stop in time, killing it');
      if (c.pid) this.killGroup(c.pid);
    }, timeoutMs);
    await gone;
    clearTimeout(timer);
    if (c.pid) await this.waitGroupGone(c.pid);
  }

  private killGroup(pgid: number): void {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  private async waitGroupGone(pgid: number): Promise<void> {
    for (let i = 0; i < 600 && groupMembers(pgid).length > 0; i++) await sleep(50);
  }

  /** After an unexpected exit: the backends a dead postmaster leaves are killed before anything restarts. */
  private async reapGroup(c: ChildProcess): Promise<void> {
    if (!c.pid) return;
    if (!this.stopping) this.killGroup(c.pid);
    await this.waitGroupGone(c.pid);
  }
}
