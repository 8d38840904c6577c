// The measured phases, the same code for the bare ceiling and the chat service.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PhaseResult, PhaseSpec, SenderSpec, SocketSpec } from './load-protocol';
import { LoadWorker, machineCpu, procStat } from './procs';
import { ratePerSecond, type Summary, summarize } from './stats';
import type { BenchUser, System } from './systems';

export interface Settings {
  warmupMs: number;
  measureMs: number;
  bodyChars: number;
  rooms: number;
  membersPerRoom: number;
  sendersPerRoom: number;
  idleSockets: number;
  fanoutSizes: number[];
  fanoutSenders: number;
  log: (line: string) => void;
}

export interface CpuSplit {
  wallSeconds: number;
  /** CPU seconds per second (2.0 = both cores busy) of each group over the measured window. */
  servers: number;
  clients: number;
  redis: number;
  postgres: number;
  machine: number;
  /** Everything else on the machine (other people's builds and tests): the noise in the figures. */
  others: number;
}

export interface PhaseFigures {
  sendsPerSec: number;
  deliveriesPerSec: number;
  sent: number;
  acked: number;
  errors: Record<string, number>;
  unacked: number;
  echoTimeouts: number;
  ack: Summary;
  deliver: Summary;
  clientElu: number[];
  clientLoopDelayP99Ms: number[];
  cpu: CpuSplit | undefined;
}

export interface Watched {
  servers: () => number[];
  clients: () => number[];
  redis: () => number[];
  /** The database under test: only its backends (and the WAL/background writers) count as PostgreSQL. */
  database: () => string | undefined;
}

/** PostgreSQL processes working for `db`: its backends plus the shared WAL writer, background writer and checkpointer. */
function postgresPids(db: string | undefined): number[] {
  const out: number[] = [];
  if (!db) return out;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (title.includes(` ${db} `) || /walwriter|background writer|checkpointer/.test(title)) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function cpuOf(pids: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of pids) {
    try {
      m.set(p, procStat(p).cpuSeconds);
    } catch {
      // exited
    }
  }
  return m;
}

export interface CpuMark {
  t: number;
  machine: number;
  groups: Record<string, Map<number, number>>;
}

export function mark(w: Watched): CpuMark {
  return {
    t: performance.now(),
    machine: machineCpu().busy,
    groups: { servers: cpuOf(w.servers()), clients: cpuOf(w.clients()), redis: cpuOf(w.redis()), postgres: cpuOf(postgresPids(w.database())) },
  };
}

export function split(a: CpuMark, b: CpuMark): CpuSplit {
  const secs = (b.t - a.t) / 1000;
  const group = (g: string) => {
    let s = 0;
    for (const [pid, v] of b.groups[g] ?? []) s += v - (a.groups[g]?.get(pid) ?? v);
    return s / secs;
  };
  const out = { wallSeconds: secs, servers: group('servers'), clients: group('clients'), redis: group('redis'), postgres: group('postgres'), machine: (b.machine - a.machine) / secs };
  return { ...out, others: Math.max(0, out.machine - out.servers - out.clients - out.redis - out.postgres) };
}

/**
 * Waits until servers and clients are quiet (under `maxCores` of CPU over 300 ms, twice in a row), so
 * what connecting set off (room joins, presence fan-out) does not leak into the next measurement.
 */
export async function settle(w: Watched, minMs = 500, maxMs = 20_000, maxCores = 0.25): Promise<{ ms: number; quiet: boolean }> {
  const t0 = performance.now();
  await sleep(minMs);
  let quiet = 0;
  while (performance.now() - t0 < maxMs && quiet < 2) {
    const a = mark(w);
    await sleep(300);
    const c = split(a, mark(w));
    quiet = c.servers + c.clients + c.redis < maxCores ? quiet + 1 : 0;
  }
  return { ms: performance.now() - t0, quiet: quiet >= 2 };
}

/** Runs one phase on every worker at once and merges what they saw. */
export async function runPhase(workers: LoadWorker[], specs: PhaseSpec[], watched: Watched): Promise<PhaseFigures> {
  const first = specs[0] as PhaseSpec;
  let before: CpuMark | undefined;
  let after: CpuMark | undefined;
  const t1 = setTimeout(() => (before = mark(watched)), first.warmupMs);
  const t2 = setTimeout(() => (after = mark(watched)), first.warmupMs + first.measureMs);
  let results: PhaseResult[];
  try {
    results = await Promise.all(workers.map((w, i) => w.phase(specs[i] as PhaseSpec)));
  } finally {
    clearTimeout(t1);
    clearTimeout(t2);
  }
  const errors: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const cat = (f: (r: PhaseResult) => Float64Array) => {
    const all: number[] = [];
    for (const r of results) for (const v of f(r)) all.push(v);
    return all;
  };
  const sum = (f: (r: PhaseResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    sendsPerSec: ratePerSecond(sum((r) => r.ackedInWindow), first.measureMs),
    deliveriesPerSec: ratePerSecond(sum((r) => r.deliveriesInWindow), first.measureMs),
    sent: sum((r) => r.sent),
    acked: sum((r) => r.acked),
    errors,
    unacked: sum((r) => r.unacked),
    echoTimeouts: sum((r) => r.echoTimeouts),
    ack: summarize(cat((r) => r.ackLatencyMs)),
    deliver: summarize(cat((r) => r.deliveryLatencyMs)),
    clientElu: results.map((r) => Number(r.elu.toFixed(2))),
    clientLoopDelayP99Ms: results.map((r) => Number(r.loopDelayP99Ms.toFixed(1))),
    cpu: before && after ? split(before, after) : undefined,
  };
}

/** Opens sockets, each on the worker `placement` names; fails loudly when any could not connect. */
export async function openSockets(workers: LoadWorker[], sockets: { spec: SocketSpec; worker: number }[], what: string): Promise<number> {
  const t = performance.now();
  const per = workers.map(() => [] as SocketSpec[]);
  for (const s of sockets) per[s.worker % workers.length]?.push(s.spec);
  const res = await Promise.all(workers.map((w, i) => w.open(per[i] ?? [], 25)));
  const failed = res.reduce((a, r) => a + r.failed, 0);
  if (failed) throw new Error(`${what}: ${failed} of ${sockets.length} sockets failed to connect: ${res.flatMap((r) => r.errors).join('; ')}`);
  return performance.now() - t;
}

export async function closeSockets(workers: LoadWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.close()));
}

function spec(sys: System, u: BenchUser, pod: number, key: string): SocketSpec {
  const p = sys.pods[pod % sys.pods.length];
  if (!p) throw new Error('no pod');
  return { key, protocol: sys.protocol, url: p.url, auth: sys.auth(u), userId: u.id };
}

export interface MemoryFigures {
  sockets: number;
  rssBytesPerSocket: number;
  heapBytesPerSocket: number;
  /** heapUsed + external (Buffers, ws and zlib state) after a forced GC: what a socket keeps alive. */
  retainedBytesPerSocket: number;
  before: PodMemory[];
  after: PodMemory[];
  connectSeconds: number;
}

interface PodMemory {
  rss: number;
  heapUsed: number;
  external: number;
}

async function podMemory(sys: System): Promise<PodMemory[]> {
  return Promise.all(
    sys.pods.map(async (p) => {
      if (!p.probeUrl) throw new Error(`${p.name} has no memory probe`);
      const m = (await (await fetch(`${p.probeUrl}/mem`)).json()) as { heapUsed: number; external: number };
      return { rss: procStat(p.child.pid as number).rssBytes, heapUsed: m.heapUsed, external: m.external };
    }),
  );
}

/** Memory per idle authenticated socket: server RSS and heap (after a forced GC) before and after N sockets. */
export async function memoryPhase(sys: System, workers: LoadWorker[], s: Settings, w: Watched): Promise<MemoryFigures> {
  const perRoom = 100;
  const users = await sys.newUsers(s.idleSockets + 40, `${sys.name}_idle`);
  for (let i = 0; i < users.length; i += perRoom) await sys.newRoom(users.slice(i, i + perRoom), `idle ${i / perRoom}`);
  const warm = users.slice(s.idleSockets);
  const idle = users.slice(0, s.idleSockets);
  // Warm the connect path on both pods first, so lazily built things don't count as per-socket memory.
  await openSockets(workers, warm.map((u, i) => ({ spec: spec(sys, u, i, `warm${i}`), worker: i })), 'warm-up sockets');
  await settle(w);
  await closeSockets(workers);
  await settle(w, 1000);
  const before = await podMemory(sys);
  const ms = await openSockets(workers, idle.map((u, i) => ({ spec: spec(sys, u, i, `idle${i}`), worker: i })), 'idle sockets');
  await settle(w, 2000);
  const after = await podMemory(sys);
  await closeSockets(workers);
  const d = (f: (m: PodMemory) => number) => after.reduce((a, m, i) => a + f(m) - f(before[i] as PodMemory), 0) / idle.length;
  return {
    sockets: idle.length,
    rssBytesPerSocket: d((m) => m.rss),
    heapBytesPerSocket: d((m) => m.heapUsed),
    retainedBytesPerSocket: d((m) => m.heapUsed + m.external),
    before,
    after,
    connectSeconds: ms / 1000,
  };
}

export interface RoomSet {
  rooms: string[];
  members: BenchUser[][];
}

/**
 * `rooms` rooms of `membersPerRoom`; member j of a room connects to pod j % pods, and all members of
 * one room sit in the same client process (so send→deliver latency is read on one clock).
 */
export async function openRoomSet(sys: System, workers: LoadWorker[], s: Settings, w: Watched): Promise<RoomSet> {
  const users = await sys.newUsers(s.rooms * s.membersPerRoom, `${sys.name}_room`);
  const members: BenchUser[][] = [];
  for (let r = 0; r < s.rooms; r++) members.push(users.slice(r * s.membersPerRoom, (r + 1) * s.membersPerRoom));
  const rooms: string[] = [];
  for (let r = 0; r < s.rooms; r++) rooms.push(await sys.newRoom(members[r] as BenchUser[], `bench ${r}`));
  const sockets = members.flatMap((ms, r) => ms.map((u, j) => ({ spec: spec(sys, u, j, `r${r}m${j}`), worker: r })));
  await openSockets(workers, sockets, 'room sockets');
  // The chat joins a socket's rooms just after `connect` (a query): give it a moment.
  await settle(w, 1000);
  return { rooms, members };
}

function roomSenders(set: RoomSet, s: Settings, workers: number): SenderSpec[][] {
  const per: SenderSpec[][] = Array.from({ length: workers }, () => []);
  set.rooms.forEach((roomId, r) => {
    for (let j = 0; j < s.sendersPerRoom; j++) per[r % workers]?.push({ key: `r${r}m${j}`, roomId });
  });
  return per;
}

function phaseSpec(s: Settings, tag: string, over: Partial<PhaseSpec>): PhaseSpec {
  return { tag, senders: [], mode: 'closed', window: 1, waitEcho: false, ratePerSecond: 0, warmupMs: s.warmupMs, measureMs: s.measureMs, bodyChars: s.bodyChars, latency: false, ...over };
}

/** Acked sends/s at saturation: every sender keeps one send in flight (closed loop). */
export function sendsPhase(set: RoomSet, workers: LoadWorker[], s: Settings, watched: Watched, tag: string, measureMs = s.measureMs) {
  const senders = roomSenders(set, s, workers.length);
  return runPhase(workers, senders.map((sd) => phaseSpec({ ...s, measureMs }, tag, { senders: sd, measureMs })), watched);
}

/** Send→deliver latency at a fixed total rate (open loop), read at the other members of the room. */
export function latencyPhase(set: RoomSet, workers: LoadWorker[], s: Settings, watched: Watched, tag: string, totalRate: number) {
  const senders = roomSenders(set, s, workers.length);
  const total = senders.reduce((a, x) => a + x.length, 0);
  return runPhase(
    workers,
    senders.map((sd) => phaseSpec(s, tag, { senders: sd, mode: 'open', ratePerSecond: (totalRate * sd.length) / total, latency: true })),
    watched,
  );
}

export interface FanoutFigures extends PhaseFigures {
  setupSeconds: number;
  /** Of the setup: making users and the room, opening the sockets, waiting for the servers to go quiet. */
  setup: { roomSeconds: number; connectSeconds: number; settleSeconds: number };
  /** false when what connecting set off (presence to every member) was still running when measuring began. */
  settled: boolean;
}

/**
 * A settle long enough for the presence storm of R connects: each socket that comes online is announced to
 * the members already online, about R²/2 deliveries (R = 1000: ~500,000), which the bare server never sends.
 */
const fanoutSettleMs = (r: number) => Math.min(60_000, 20_000 + 40 * r);

/** One room of R members spread over both pods and all clients; `fanoutSenders` members send, each waits for its ack and its own echo. */
export async function fanoutPhase(sys: System, workers: LoadWorker[], s: Settings, watched: Watched, r: number): Promise<FanoutFigures> {
  const t = performance.now();
  const users = await sys.newUsers(r, `${sys.name}_fan${r}`);
  const roomId = await sys.newRoom(users, `fan-out ${r}`);
  const t1 = performance.now();
  await openSockets(workers, users.map((u, j) => ({ spec: spec(sys, u, j, `f${j}`), worker: Math.floor(j / 2) })), `fan-out ${r} sockets`);
  const t2 = performance.now();
  const quiet = await settle(watched, 1000, fanoutSettleMs(r));
  const setupSeconds = (performance.now() - t) / 1000;
  const setup = { roomSeconds: (t1 - t) / 1000, connectSeconds: (t2 - t1) / 1000, settleSeconds: quiet.ms / 1000 };
  const per: SenderSpec[][] = workers.map(() => []);
  for (let j = 0; j < Math.min(r, s.fanoutSenders); j++) per[Math.floor(j / 2) % workers.length]?.push({ key: `f${j}`, roomId });
  try {
    const figures = await runPhase(workers, per.map((sd) => phaseSpec(s, `fan${r}`, { senders: sd, waitEcho: true })), watched);
    return { ...figures, setupSeconds, setup, settled: quiet.quiet };
  } finally {
    await closeSockets(workers);
    // Going offline is announced like coming online: let that storm pass before the next phase.
    await settle(watched, 500, fanoutSettleMs(r));
  }
}
