// One run of `make load`: users and rooms through the REST API, client processes with their sockets,
// the sending window with a live progress line, then the merged figures. main.ts is its command line.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setUpRooms, setUpUsers } from './accounts';
import { DEFAULT_SERVER_SEND_RATE, type LoadOptions } from './load-options';
import { planLoad } from './load-plan';
import { type LoadSummary, progressLine, summarize, sumCounters } from './load-summary';
import { type Counters, emptyCounters, type FromWorker, type RunResult, type ToWorker, type WorkerUser } from './worker-protocol';

export interface RunHooks {
  /** Setup steps and notes, one line each. */
  log(line: string): void;
  /** The live progress line, about once a second. */
  progress(line: string): void;
}

class Worker {
  readonly child: ChildProcess;
  counters: Counters = emptyCounters();
  private waiting: { op: FromWorker['op']; resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;

  constructor(readonly index: number) {
    this.child = fork(join(__dirname, 'load-worker.js'), [], {
      env: { ...process.env, LOAD_WORKER_ID: String(index) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: FromWorker) => {
      if (m.op === 'progress') {
        this.counters = m.counters;
        return;
      }
      const w = this.waiting;
      this.waiting = undefined;
      if (m.op === 'failed') w?.reject(new Error(`client process ${index}: ${m.error}`));
      else w?.resolve(m);
    });
    this.child.on('exit', (code, signal) => this.waiting?.reject(new Error(`client process ${index} exited (${code ?? signal})`)));
  }

  ask<T extends FromWorker>(msg: ToWorker, op: T['op']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting = { op, resolve: resolve as (m: FromWorker) => void, reject };
      this.child.send(msg);
    });
  }

  /** Asks it to close its sockets and exit; SIGKILL (by its PID) if it has not after 3 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    if (this.child.connected) this.child.send({ op: 'exit' } satisfies ToWorker);
    const t = setTimeout(() => this.child.pid && this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(t);
  }
}

async function reachable(url: string, what: string): Promise<void> {
  try {
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    if (r.ok) return;
    throw new Error(`answered ${r.status}`);
  } catch (e) {
    throw new Error(`no ${what} at ${url} (${(e as Error).message}): start one with make dev, or pass its URL`);
  }
}

export async function runLoad(o: LoadOptions, hooks: RunHooks): Promise<LoadSummary> {
  await reachable(o.userUrl, 'user service');
  for (const u of o.chatUrls) await reachable(u, 'chat service');
  const plan = planLoad(o);
  // A user in k rooms sends k shares of the rate; the busiest one is what a per-user limit sees.
  const slots = plan.users.reduce((a, u) => a + u.rooms.length, 0);
  const busiest = (o.rate * Math.max(...plan.users.map((u) => u.rooms.length))) / slots;
  if (busiest > DEFAULT_SERVER_SEND_RATE) {
    hooks.log(`note: up to ${busiest.toFixed(1)} sends/s per user; the chat's default SEND_RATE_PER_SECOND is ${DEFAULT_SERVER_SEND_RATE}, so expect RATE_LIMITED errors`);
  }
  if (o.rooms * o.roomSize < o.users) hooks.log(`note: ${o.users - o.rooms * o.roomSize} users are in no room (idle sockets)`);
  const startedAt = new Date();
  let t = Date.now();
  hooks.log(`load: ${o.users} users (log in, or register the first time) at ${o.userUrl}`);
  const accounts = await setUpUsers(o.userUrl, plan, o.password);
  const usersMs = Date.now() - t;
  t = Date.now();
  hooks.log(`load: ${o.rooms} rooms of ${o.roomSize}`);
  const roomIds = await setUpRooms(o.chatUrls[0] as string, plan, accounts);
  const roomsMs = Date.now() - t;
  const workers = Array.from({ length: o.workers }, (_, i) => new Worker(i));
  try {
    t = Date.now();
    hooks.log(`load: ${o.users} sockets from ${o.workers} client processes to ${o.chatUrls.join(', ')}`);
    const opened = await Promise.all(
      workers.map((w) => {
        const users: WorkerUser[] = plan.users
          .filter((u) => u.worker === w.index)
          .map((u) => ({
            userId: (accounts[u.index] as { id: string }).id,
            token: (accounts[u.index] as { token: string }).token,
            chatUrl: u.chatUrl,
            rooms: u.rooms.map((r) => ({ roomId: roomIds[r] as string, members: o.roomSize })),
          }));
        return w.ask<Extract<FromWorker, { op: 'opened' }>>({ op: 'open', users }, 'opened');
      }),
    );
    const connectMs = Date.now() - t;
    const socketsOpen = opened.reduce((a, r) => a + r.opened, 0);
    const socketsFailed = opened.reduce((a, r) => a + r.failed, 0);
    if (socketsFailed) hooks.log(`load: ${socketsFailed} sockets failed to connect: ${opened.flatMap((r) => r.errors).slice(0, 3).join('; ')}`);
    if (socketsOpen === 0) throw new Error('no socket connected');
    // The chat joins a socket to its rooms just after the handshake: give the last ones a moment.
    await new Promise((r) => setTimeout(r, 500));
    const runId = randomBytes(4).toString('hex');
    const spec = { runId, durationMs: o.durationSec * 1000, bodyChars: o.bodyChars, ackTimeoutMs: 10_000, quietMs: 1000, maxDrainMs: 12_000 };
    const t0 = Date.now();
    // msgs/s over the last 5 s: the client processes report once a second, out of step with this
    // ticker, so a 1 s difference would swing between one and two of their reports.
    const seen: Array<{ at: number; c: Counters }> = [{ at: t0, c: emptyCounters() }];
    const ticker = setInterval(() => {
      const now = sumCounters(workers.map((w) => w.counters));
      const at = Date.now();
      const from = seen[Math.max(0, seen.length - 5)] as { at: number; c: Counters };
      hooks.progress(progressLine((at - t0) / 1000, o.durationSec, now, from.c, (at - from.at) / 1000));
      seen.push({ at, c: now });
    }, 1000);
    let results: RunResult[];
    try {
      const done = await Promise.all(
        workers.map((w) => w.ask<Extract<FromWorker, { op: 'done' }>>({ op: 'run', spec: { ...spec, ratePerSecond: plan.workerRates[w.index] as number } }, 'done')),
      );
      results = done.map((d) => d.result);
    } finally {
      clearInterval(ticker);
    }
    return summarize(o, { usersMs, roomsMs, connectMs, socketsOpen, socketsFailed }, startedAt, results);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}
