// One client process of `make load`: many socket.io-client connections (one per user it holds), an
// open-loop sender at its share of the rate, and histograms of ack and delivery latency. Driven by
// main.ts over IPC (worker-protocol.ts).
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { type Histogram } from 'hdr-histogram-js';
import { encodeHistogram, newLatencyHistogram, recordMs } from './latency-histogram';
import { forEachLimited } from '@converge/testing/concurrency';
import { readStamp, stampBody } from './message-stamp';
import { type Counters, emptyCounters, type FromWorker, type RunSpec, type ToWorker, type WorkerUser } from './worker-protocol';

const WORKER = Number(process.env.LOAD_WORKER_ID ?? 0);
const CONNECT_TIMEOUT_MS = 20_000;
/** Epoch milliseconds with sub-millisecond precision: comparable across processes on one machine. */
const wallMs = () => performance.timeOrigin + performance.now();

interface Held {
  user: WorkerUser;
  socket: Socket;
}
interface Incoming {
  roomId?: unknown;
  seq?: unknown;
  senderId?: unknown;
  body?: unknown;
}

const held: Held[] = [];
const counters: Counters = emptyCounters();
let run: { spec: RunSpec; ack: Histogram; delivery: Histogram; seen: Set<string>; lastDeliveryAt: number } | undefined;

function send(msg: FromWorker): void {
  process.send?.(msg);
}

function countError(kind: string): void {
  counters.errors[kind] = (counters.errors[kind] ?? 0) + 1;
}

function onMessage(receiver: WorkerUser, m: Incoming): void {
  if (!run || m.senderId === receiver.userId) return;
  const sentAt = readStamp(m.body, run.spec.runId);
  if (sentAt === undefined) return;
  const key = `${receiver.userId}|${String(m.roomId)}|${String(m.seq)}`;
  if (run.seen.has(key)) {
    counters.duplicates++;
    return;
  }
  run.seen.add(key);
  counters.delivered++;
  run.lastDeliveryAt = wallMs();
  recordMs(run.delivery, run.lastDeliveryAt - sentAt);
}

function connect(user: WorkerUser): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(user.chatUrl, {
      path: '/socket.io/',
      auth: { token: user.token },
      transports: ['websocket'],
      forceNew: true,
      // Reconnects are what a real client does after a dropped connection: counted, not fatal.
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: CONNECT_TIMEOUT_MS,
    });
    let first = true;
    socket.on('connect', () => {
      if (first) {
        first = false;
        resolve(socket);
      }
    });
    socket.on('connect_error', (e) => {
      countError(`connect:${e.message}`);
      if (first) {
        first = false;
        socket.close();
        reject(e);
      }
    });
    socket.on('disconnect', () => counters.disconnects++);
    socket.io.on('reconnect', () => counters.reconnects++);
    socket.on('message:new', (m: Incoming) => onMessage(user, m));
  });
}

async function open(users: WorkerUser[]): Promise<FromWorker> {
  let failed = 0;
  const errors: string[] = [];
  // A few handshakes at a time: each one is a JWT check and a room query on the chat pod.
  await forEachLimited(users, 20, async (user) => {
    try {
      held.push({ user, socket: await connect(user) });
    } catch (e) {
      failed++;
      if (errors.length < 5) errors.push(`${user.chatUrl}: ${(e as Error).message}`);
    }
  });
  return { op: 'opened', opened: held.length, failed, errors };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

async function runLoad(spec: RunSpec): Promise<FromWorker> {
  const state = { spec, ack: newLatencyHistogram(), delivery: newLatencyHistogram(), seen: new Set<string>(), lastDeliveryAt: wallMs() };
  run = state;
  // Every (user, room) membership is a sender; the rate goes round-robin over them.
  const slots = held.flatMap((h) => h.user.rooms.map((r) => ({ h, room: r })));
  let n = 0;
  let pending = 0;
  let expected = 0;
  const progress = setInterval(() => send({ op: 'progress', counters }), 1000);
  const t0 = performance.now();
  let launched = 0;
  const sendOne = (slot: (typeof slots)[number]) => {
    const clientMsgId = `${spec.runId}-${WORKER}-${n++}`;
    const sentAt = wallMs();
    counters.sent++;
    pending++;
    slot.h.socket
      .timeout(spec.ackTimeoutMs)
      .emit('message:send', { roomId: slot.room.roomId, body: stampBody(spec.runId, sentAt, spec.bodyChars), clientMsgId }, (err: Error | null, ack?: { ok?: boolean; error?: { code?: string } }) => {
        pending--;
        if (err) return countError('ack:timeout');
        if (!ack?.ok) return countError(`ack:${ack?.error?.code ?? 'BAD_ACK'}`);
        counters.acked++;
        expected += slot.room.members - 1;
        recordMs(state.ack, wallMs() - sentAt);
      });
  };
  if (slots.length && spec.ratePerSecond > 0) {
    // Open loop: sends are due at a steady rate whatever the server's answers (a closed loop would
    // slow down with the server and hide its latency); checked every 5 ms.
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = performance.now() - t0;
        const due = Math.floor((spec.ratePerSecond * Math.min(elapsed, spec.durationMs)) / 1000) - launched;
        for (let i = 0; i < due; i++, launched++) sendOne(slots[launched % slots.length] as (typeof slots)[number]);
        if (elapsed >= spec.durationMs) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
  } else {
    await sleep(spec.durationMs);
  }
  const drainEnd = performance.now() + spec.maxDrainMs;
  while (pending > 0 && performance.now() < drainEnd) await sleep(50);
  while (wallMs() - state.lastDeliveryAt < spec.quietMs && performance.now() < drainEnd) await sleep(50);
  clearInterval(progress);
  run = undefined;
  return {
    op: 'done',
    result: {
      ...counters,
      worker: WORKER,
      expectedDeliveries: expected,
      ackLatency: encodeHistogram(state.ack),
      deliveryLatency: encodeHistogram(state.delivery),
      unacked: pending,
    },
  };
}

async function handle(msg: ToWorker): Promise<FromWorker | undefined> {
  switch (msg.op) {
    case 'open':
      return open(msg.users);
    case 'run':
      return runLoad(msg.spec);
    case 'exit':
      for (const h of held) h.socket.close();
      setImmediate(() => process.exit(0));
      return undefined;
  }
}

process.on('message', (msg: ToWorker) => {
  handle(msg).then(
    (reply) => reply && send(reply),
    (e: unknown) => send({ op: 'failed', error: String((e as Error)?.stack ?? e) }),
  );
});
// The main process went away (Ctrl-C, crash): nothing left to do.
process.on('disconnect', () => process.exit(0));
