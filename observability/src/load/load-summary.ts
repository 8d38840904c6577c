// The figures of a run from what the client processes report: totals, rates, latency percentiles,
// the summary table and the live progress line. Pure apart from decoding the histograms.
import { type LatencySummary, mergeHistograms, summarizeHistogram } from './latency-histogram';
import type { LoadOptions } from './load-options';
import type { Counters, RunResult } from './worker-protocol';

export interface LoadSummary {
  startedAt: string;
  target: { userUrl: string; chatUrls: string[] };
  params: { users: number; rooms: number; roomSize: number; rate: number; durationSec: number; workers: number; bodyChars: number };
  setup: { usersMs: number; roomsMs: number; connectMs: number; socketsOpen: number; socketsFailed: number };
  sent: number;
  acked: number;
  /** Acked sends per second of sending. */
  msgsPerSec: number;
  delivered: number;
  expectedDeliveries: number;
  /** delivered / expectedDeliveries (1 = every member got every acked message). */
  deliveryRatio: number;
  deliveriesPerSec: number;
  duplicates: number;
  unacked: number;
  errors: { total: number; byKind: Record<string, number> };
  reconnects: number;
  disconnects: number;
  ackLatencyMs: LatencySummary;
  deliveryLatencyMs: LatencySummary;
}

export function sumCounters(list: Counters[]): Counters {
  const out: Counters = { sent: 0, acked: 0, delivered: 0, duplicates: 0, errors: {}, reconnects: 0, disconnects: 0 };
  for (const c of list) {
    out.sent += c.sent;
    out.acked += c.acked;
    out.delivered += c.delivered;
    out.duplicates += c.duplicates;
    out.reconnects += c.reconnects;
    out.disconnects += c.disconnects;
    for (const [k, v] of Object.entries(c.errors)) out.errors[k] = (out.errors[k] ?? 0) + v;
  }
  return out;
}

export const errorTotal = (c: Counters) => Object.values(c.errors).reduce((a, b) => a + b, 0);

export function summarize(o: LoadOptions, setup: LoadSummary['setup'], startedAt: Date, results: RunResult[]): LoadSummary {
  const c = sumCounters(results);
  const expected = results.reduce((a, r) => a + r.expectedDeliveries, 0);
  const ack = mergeHistograms(results.map((r) => r.ackLatency));
  const delivery = mergeHistograms(results.map((r) => r.deliveryLatency));
  const summary: LoadSummary = {
    startedAt: startedAt.toISOString(),
    target: { userUrl: o.userUrl, chatUrls: o.chatUrls },
    params: { users: o.users, rooms: o.rooms, roomSize: o.roomSize, rate: o.rate, durationSec: o.durationSec, workers: o.workers, bodyChars: o.bodyChars },
    setup,
    sent: c.sent,
    acked: c.acked,
    msgsPerSec: c.acked / o.durationSec,
    delivered: c.delivered,
    expectedDeliveries: expected,
    deliveryRatio: expected ? c.delivered / expected : Number.NaN,
    deliveriesPerSec: c.delivered / o.durationSec,
    duplicates: c.duplicates,
    unacked: results.reduce((a, r) => a + r.unacked, 0),
    errors: { total: errorTotal(c), byKind: c.errors },
    reconnects: c.reconnects,
    disconnects: c.disconnects,
    ackLatencyMs: summarizeHistogram(ack),
    deliveryLatencyMs: summarizeHistogram(delivery),
  };
  ack.destroy();
  delivery.destroy();
  return summary;
}

/** A figure for the table: 3 significant digits, `-` when missing. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return a === 0 ? '0' : x.toFixed(2);
}

export function renderTable(s: LoadSummary): string {
  const lat = (l: LatencySummary) => `${fmt(l.p50Ms)} / ${fmt(l.p95Ms)} / ${fmt(l.p99Ms)} / ${fmt(l.maxMs)} ms (${l.count.toLocaleString('en-US')})`;
  const errs = Object.entries(s.errors.byKind)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const rows: Array<[string, string]> = [
    ['users / rooms × size', `${s.params.users} / ${s.params.rooms} × ${s.params.roomSize} (${s.params.workers} client processes)`],
    ['sockets open', `${s.setup.socketsOpen}${s.setup.socketsFailed ? ` (${s.setup.socketsFailed} failed)` : ''}`],
    ['setup users / rooms / sockets', `${fmt(s.setup.usersMs / 1000)} / ${fmt(s.setup.roomsMs / 1000)} / ${fmt(s.setup.connectMs / 1000)} s`],
    ['rate asked / duration', `${fmt(s.params.rate)} msgs/s / ${s.params.durationSec} s`],
    ['sent / acked', `${s.sent.toLocaleString('en-US')} / ${s.acked.toLocaleString('en-US')}${s.unacked ? ` (${s.unacked} without an ack)` : ''}`],
    ['msgs/s (acked)', fmt(s.msgsPerSec)],
    ['delivered / expected', `${s.delivered.toLocaleString('en-US')} / ${s.expectedDeliveries.toLocaleString('en-US')} (${fmt(s.deliveryRatio * 100)} %)`],
    ['deliveries/s', fmt(s.deliveriesPerSec)],
    ['ack p50 / p95 / p99 / max', lat(s.ackLatencyMs)],
    ['delivery p50 / p95 / p99 / max', lat(s.deliveryLatencyMs)],
    ['duplicates', String(s.duplicates)],
    ['errors', s.errors.total ? `${s.errors.total} (${errs})` : '0'],
    ['reconnects / disconnects', `${s.reconnects} / ${s.disconnects}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

/** The live line: elapsed, totals so far, and acked msgs/s since `before` (`intervalSec` ago). */
export function progressLine(elapsedSec: number, durationSec: number, now: Counters, before: Counters, intervalSec: number): string {
  const rate = intervalSec > 0 ? (now.acked - before.acked) / intervalSec : 0;
  return (
    `[${String(Math.min(Math.round(elapsedSec), durationSec)).padStart(String(durationSec).length)}/${durationSec}s] ` +
    `sent ${now.sent} acked ${now.acked} delivered ${now.delivered} ${fmt(rate)} msgs/s errors ${errorTotal(now)} reconnects ${now.reconnects}`
  );
}
