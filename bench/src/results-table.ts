// The table `make bench` prints: the chat's figures beside their ceilings, ratios and the issue's
// targets. Pure (figures in, rows and verdicts out): unit-tested.
import type { BatchFigures } from './batch-metrics';
import type { RawFigures } from './raw-insert';
import { type HotSpot, renderTable } from './report';
import type { CpuSplit, FanoutFigures, MemoryFigures, PhaseFigures } from './scenarios';
import { evaluate, fmt, perCpuSecond, type Summary, type Verdict } from './stats';

/** What one system (bare ceiling, Centrifugo peer or chat) measured; a phase that failed leaves its figure out. */
export interface SystemResult {
  memory?: MemoryFigures;
  sends?: PhaseFigures;
  /** The chat's group commits during its sends phase (from its /metrics). */
  sendsBatches?: BatchFigures;
  latency?: PhaseFigures & { targetRate: number; commitProbe?: Summary; batches?: BatchFigures };
  fanout: Record<string, FanoutFigures>;
  /** CPU profile of pod a during a sends run: top functions and time per package. */
  hotSpots?: { top: HotSpot[]; byPackage: HotSpot[]; byPackageCharged: HotSpot[]; file: string };
  /** The same during fan-out at R = 100 (setup included). */
  fanoutHotSpots?: { top: HotSpot[]; byPackage: HotSpot[]; byPackageCharged: HotSpot[]; file: string };
  error?: string;
}

export interface RawResult {
  insert: RawFigures;
  seqTx: RawFigures;
}

/** Keys of the four targets in `verdicts` (and in bench.json). */
export type TargetKey = 'sends' | 'fanout100' | 'latencyP99' | 'memory';

const percentOf = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? `${((a / b) * 100).toFixed(0)} %` : '-');
const times = (a: number | undefined, b: number | undefined, digits: number) => (a !== undefined && b ? `${(a / b).toFixed(digits)}×` : '-');
/** CPU the measured processes used, per wall second (other people's jobs left out). */
const used = (c: CpuSplit | undefined) => (c ? c.servers + c.clients + c.redis + c.postgres : undefined);

/** `centrifugo`: the fan-out peer, printed under each fan-out row with the chat's ratio to it (never a target). */
export function resultsTable(bare: SystemResult | undefined, chat: SystemResult | undefined, raw: RawResult | undefined, fanoutSizes: number[], centrifugo?: SystemResult) {
  const rows: string[][] = [];
  const verdicts: Partial<Record<TargetKey, Verdict>> = {};
  const add = (metric: string, c: number | undefined, ref: number | undefined, refName: string, ratioText: string, v?: Verdict, key?: TargetKey) => {
    if (v && key) verdicts[key] = v;
    rows.push([metric, fmt(c), fmt(ref), refName, ratioText, v ? v.text : 'info']);
  };

  const sends = chat?.sends?.sendsPerSec;
  const rawIns = raw?.insert.insertsPerSec;
  add('durable acked sends/s (100 rooms, 2 pods)', sends, rawIns, 'raw pg INSERT', percentOf(sends, rawIns), evaluate({ kind: 'min-ratio', limit: 0.5 }, sends, rawIns), 'sends');
  add('  same, against seq-under-room-lock tx', sends, raw?.seqTx.insertsPerSec, 'raw pg UPDATE+INSERT tx', percentOf(sends, raw?.seqTx.insertsPerSec));
  add('  same, against bare Socket.IO echo', sends, bare?.sends?.sendsPerSec, 'bare Socket.IO', percentOf(sends, bare?.sends?.sendsPerSec));
  add('  ack latency p50 / p99 ms at saturation', chat?.sends?.ack.p50, bare?.sends?.ack.p50, 'bare (p50)', `p99 ${fmt(chat?.sends?.ack.p99)} / ${fmt(bare?.sends?.ack.p99)}`);
  for (const size of fanoutSizes) {
    const c = chat?.fanout[String(size)]?.deliveriesPerSec;
    const b = bare?.fanout[String(size)]?.deliveriesPerSec;
    const target = size === 100 ? evaluate({ kind: 'min-ratio', limit: 0.5 }, c, b) : undefined;
    add(`fan-out deliveries/s R=${size}`, c, b, 'bare Socket.IO', percentOf(c, b), target, size === 100 ? 'fanout100' : undefined);
    if (centrifugo) {
      const p = centrifugo.fanout[String(size)]?.deliveriesPerSec;
      add('  same, against Centrifugo', c, p, 'Centrifugo v6 (peer)', percentOf(c, p));
    }
  }
  const lat = chat?.latency;
  const bareAt = `bare @ ${fmt(bare?.latency?.targetRate)}/s`;
  add(`send→deliver p50 ms @ ${fmt(lat?.targetRate)}/s (½ capacity)`, lat?.deliver.p50, bare?.latency?.deliver.p50, bareAt, '-');
  add(`send→deliver p99 ms @ ${fmt(lat?.targetRate)}/s (½ capacity)`, lat?.deliver.p99, bare?.latency?.deliver.p99, bareAt, '-', evaluate({ kind: 'max', limit: 50 }, lat?.deliver.p99), 'latencyP99');
  // Not a ceiling: how long a bare one-row commit took on the shared PostgreSQL in the same window.
  add('  PostgreSQL 1-row commit p99 ms, same window', lat?.commitProbe?.p99, undefined, 'probe, every 20 ms', `max ${fmt(lat?.commitProbe?.max)}`);
  const kib = (x: number | undefined) => (x === undefined ? undefined : x / 1024);
  const mem = (label: string, key: 'retainedBytesPerSocket' | 'heapBytesPerSocket' | 'rssBytesPerSocket', verdictKey?: TargetKey) => {
    const c = kib(chat?.memory?.[key]);
    const b = kib(bare?.memory?.[key]);
    add(label, c, b, 'bare Socket.IO', times(c, b, 2), verdictKey ? evaluate({ kind: 'max-ratio', limit: 2 }, c, b) : undefined, verdictKey);
  };
  mem('KiB per idle auth. socket: heap+external', 'retainedBytesPerSocket', 'memory');
  mem('  of which JS heap (after forced GC)', 'heapBytesPerSocket');
  mem('  RSS delta (allocator-dependent)', 'rssBytesPerSocket');

  // The same throughputs per CPU-second of everything measured (servers, clients, Redis, PostgreSQL):
  // much steadier than events/s while other people's jobs share the two cores.
  const sendsCpu = perCpuSecond(sends, used(chat?.sends?.cpu));
  const rawCpu = perCpuSecond(rawIns, used(raw?.insert.cpu));
  add('durable sends per CPU-second used', sendsCpu, rawCpu, 'raw pg INSERT', percentOf(sendsCpu, rawCpu));
  const fanC = chat?.fanout['100'];
  const fanB = bare?.fanout['100'];
  const fanCpuC = perCpuSecond(fanC?.deliveriesPerSec, used(fanC?.cpu));
  const fanCpuB = perCpuSecond(fanB?.deliveriesPerSec, used(fanB?.cpu));
  add('fan-out R=100 deliveries per CPU-second used', fanCpuC, fanCpuB, 'bare Socket.IO', percentOf(fanCpuC, fanCpuB));
  if (centrifugo) {
    const fanP = centrifugo.fanout['100'];
    const fanCpuP = perCpuSecond(fanP?.deliveriesPerSec, used(fanP?.cpu));
    add('  same, against Centrifugo', fanCpuC, fanCpuP, 'Centrifugo v6 (peer)', percentOf(fanCpuC, fanCpuP));
  }

  // Where the time goes: CPU per acked send, from /proc, over the measured window of the sends phase.
  const perSend = (f: PhaseFigures | undefined, g: 'servers' | 'postgres') => (f?.cpu && f.sendsPerSec > 0 ? (f.cpu[g] * 1000) / f.sendsPerSec : undefined);
  const rawPg = raw?.insert.cpu && rawIns ? (raw.insert.cpu.postgres * 1000) / rawIns : undefined;
  const cs = perSend(chat?.sends, 'servers');
  const bs = perSend(bare?.sends, 'servers');
  add('server CPU ms per acked send (2 pods)', cs, bs, 'bare Socket.IO', times(cs, bs, 1));
  const cp = perSend(chat?.sends, 'postgres');
  add('PostgreSQL CPU ms per stored message', cp, rawPg, 'raw pg INSERT', times(cp, rawPg, 1));
  return { text: renderTable(['metric', 'converge', 'ceiling', 'ceiling is', 'ratio', 'target met'], rows), verdicts, rows };
}
