// A load-generating child process: holds client sockets, sends, counts what arrives. Driven by main.ts.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { forEachLimited } from '@converge/testing/concurrency';
import { type ClientConnection, connectClient, type Incoming } from './load-clients';
import type { OpenResult, PhaseResult, PhaseSpec, SocketSpec, WorkerEnvelope, WorkerReply, WorkerRequest } from './load-protocol';

const WORKER = Number(process.env.BENCH_WORKER_ID ?? 0);
const ACK_TIMEOUT_MS = 15_000;
const ECHO_TIMEOUT_MS = 3_000;
const CONNECT_TIMEOUT_MS = 30_000;
const now = () => performance.now();

interface Held {
  socket: ClientConnection;
  userId: string;
}
interface Pending {
  sender: SenderState;
  t: number;
  acked: boolean;
  echoed: boolean;
  done: boolean;
  echoTimer?: NodeJS.Timeout;
}
interface SenderState {
  key: string;
  roomId: string;
  socket: ClientConnection;
  n: number;
  inflight: number;
}
const sockets = new Map<string, Held>();
let phase: PhaseRun | undefined;

class PhaseRun {
  readonly t0 = now();
  readonly winStart: number;
  readonly winEnd: number;
  readonly pending = new Map<string, Pending>();
  readonly pad: string;
  sent = 0;
  acked = 0;
  ackedInWindow = 0;
  errors: Record<string, number> = {};
  ackLat: number[] = [];
  deliveriesInWindow = 0;
  deliveriesTotal = 0;
  deliveryLat: number[] = [];
  echoTimeouts = 0;
  stopped = false;
  private eluStart: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  elu = 0;
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });
  loopP99 = 0;

  constructor(readonly spec: PhaseSpec) {
    this.winStart = this.t0 + spec.warmupMs;
    this.winEnd = this.winStart + spec.measureMs;
    this.pad = 'x'.repeat(Math.max(0, spec.bodyChars - 40));
    setTimeout(() => {
      this.eluStart = performance.eventLoopUtilization();
      this.loop.enable();
    }, spec.warmupMs).unref();
  }

  inWindow(t: number): boolean {
    return t >= this.winStart && t <= this.winEnd;
  }

  closeWindow(): void {
    if (this.eluStart) this.elu = performance.eventLoopUtilization(this.eluStart).utilization;
    this.loop.disable();
    this.loopP99 = this.loop.percentile(99) / 1e6;
  }

  send(s: SenderState): void {
    const t = now();
    if (this.stopped || t >= this.winEnd) return;
    const clientMsgId = `${this.spec.tag}-${s.key}-${s.n++}`;
    const body = `${this.spec.tag}|${WORKER}|${t.toFixed(3)}|${this.pad}`;
    const p: Pending = { sender: s, t, acked: false, echoed: !(this.spec.mode === 'closed' && this.spec.waitEcho), done: false };
    this.pending.set(clientMsgId, p);
    s.inflight++;
    this.sent++;
    s.socket.send({ roomId: s.roomId, body, clientMsgId }, (code) => {
      const ta = now();
      p.acked = true;
      if (code) {
        this.errors[code] = (this.errors[code] ?? 0) + 1;
        // Back off a little so a refusing server (RATE_LIMITED, UNAVAILABLE) is not spun against.
        setTimeout(() => this.finish(clientMsgId, p), 20);
        return;
      }
      this.acked++;
      if (this.inWindow(ta)) this.ackedInWindow++;
      if (this.inWindow(p.t)) this.ackLat.push(ta - p.t);
      if (p.echoed) this.finish(clientMsgId, p);
      else
        p.echoTimer = setTimeout(() => {
          this.echoTimeouts++;
          this.finish(clientMsgId, p);
        }, ECHO_TIMEOUT_MS);
    });
  }

  finish(id: string, p: Pending): void {
    if (p.done) return;
    p.done = true;
    if (p.echoTimer) clearTimeout(p.echoTimer);
    this.pending.delete(id);
    p.sender.inflight--;
    if (this.spec.mode === 'closed') this.send(p.sender);
  }

  onMessage(receiverUserId: string, m: Incoming): void {
    const tr = now();
    if (typeof m?.body !== 'string' || !m.body.startsWith(this.spec.tag + '|')) return;
    this.deliveriesTotal++;
    if (this.inWindow(tr)) this.deliveriesInWindow++;
    if (m.senderId === receiverUserId) {
      const p = typeof m.clientMsgId === 'string' ? this.pending.get(m.clientMsgId) : undefined;
      if (p && !p.echoed) {
        p.echoed = true;
        if (p.acked) this.finish(m.clientMsgId as string, p);
      }
      return;
    }
    if (!this.spec.latency) return;
    const parts = m.body.split('|', 3);
    if (Number(parts[1]) !== WORKER) return;
    const ts = Number(parts[2]);
    if (this.inWindow(ts)) this.deliveryLat.push(tr - ts);
  }

  async run(): Promise<PhaseResult> {
    const senders: SenderState[] = this.spec.senders.map((s) => {
      const held = sockets.get(s.key);
      if (!held) throw new Error(`no socket ${s.key}`);
      return { key: s.key, roomId: s.roomId, socket: held.socket, n: 0, inflight: 0 };
    });
    if (this.spec.mode === 'closed') {
      for (const s of senders) for (let i = 0; i < this.spec.window; i++) this.send(s);
    } else if (senders.length) {
      // Open loop: a steady total rate, spread round-robin over the senders, checked every millisecond.
      let launched = 0;
      let rr = 0;
      const tick = setInterval(() => {
        const t = now();
        if (t >= this.winEnd) return clearInterval(tick);
        const due = Math.floor((this.spec.ratePerSecond * (t - this.t0)) / 1000) - launched;
        for (let i = 0; i < Math.min(due, 2000); i++) {
          launched++;
          this.send(senders[rr++ % senders.length] as SenderState);
        }
      }, 1);
    }
    await sleep(this.winEnd - now());
    this.closeWindow();
    this.stopped = true;
    const deadline = now() + ACK_TIMEOUT_MS;
    while (this.pending.size > 0 && now() < deadline) await sleep(50);
    // Let deliveries of the last sends arrive (their latency counts if they were sent in the window).
    await sleep(500);
    return {
      worker: WORKER,
      sent: this.sent,
      acked: this.acked,
      ackedInWindow: this.ackedInWindow,
      errors: this.errors,
      ackLatencyMs: Float64Array.from(this.ackLat),
      deliveriesInWindow: this.deliveriesInWindow,
      deliveriesTotal: this.deliveriesTotal,
      deliveryLatencyMs: Float64Array.from(this.deliveryLat),
      echoTimeouts: this.echoTimeouts,
      unacked: this.pending.size,
      windowMs: this.spec.measureMs,
      elu: this.elu,
      loopDelayP99Ms: this.loopP99,
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

async function open(specs: SocketSpec[], concurrency: number): Promise<OpenResult> {
  const t = now();
  let opened = 0;
  const errors: string[] = [];
  await forEachLimited(specs, concurrency, async (spec) => {
    try {
      const socket = await connectClient(spec, (m: Incoming) => phase?.onMessage(spec.userId, m), { ackTimeoutMs: ACK_TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS });
      sockets.set(spec.key, { socket, userId: spec.userId });
      opened++;
    } catch (e) {
      if (errors.length < 5) errors.push(`${spec.key}: ${(e as Error).message}`);
    }
  });
  return { opened, failed: specs.length - opened, errors, ms: now() - t };
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'open':
      return open(req.specs, req.concurrency);
    case 'phase': {
      phase = new PhaseRun(req.phase);
      try {
        return await phase.run();
      } finally {
        phase = undefined;
      }
    }
    case 'close': {
      for (const h of sockets.values()) h.socket.close();
      const n = sockets.size;
      sockets.clear();
      return { closed: n };
    }
    case 'exit':
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (env: WorkerEnvelope) => {
  handle(env.req).then(
    (result) => process.send?.({ id: env.id, ok: true, result } satisfies WorkerReply),
    (e: unknown) => process.send?.({ id: env.id, ok: false, error: String((e as Error)?.stack ?? e) } satisfies WorkerReply),
  );
});
// The parent went away: nothing left to do.
process.on('disconnect', () => process.exit(0));
