import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHistogram, newLatencyHistogram, recordMs } from './latency-histogram';
import { parseLoadOptions } from './load-options';
import { progressLine, renderTable, summarize, sumCounters } from './load-summary';
import { emptyCounters, type RunResult } from './worker-protocol';

function result(worker: number, latencies: number[], over: Partial<RunResult> = {}): RunResult {
  const h = newLatencyHistogram();
  for (const l of latencies) recordMs(h, l);
  const enc = encodeHistogram(h);
  return { ...emptyCounters(), worker, expectedDeliveries: 0, ackLatency: enc, deliveryLatency: enc, unacked: 0, ...over };
}

test('the figures of two processes are merged: totals, rates, ratio and percentiles over every sample', () => {
  const o = parseLoadOptions(['--duration', '10']);
  const a = result(0, Array.from({ length: 90 }, () => 10), { sent: 60, acked: 60, delivered: 90, expectedDeliveries: 120, errors: { 'ack:RATE_LIMITED': 2 } });
  const b = result(1, Array.from({ length: 10 }, () => 200), { sent: 40, acked: 40, delivered: 10, expectedDeliveries: 80, reconnects: 1, errors: { 'ack:RATE_LIMITED': 1, 'ack:timeout': 1 } });
  const s = summarize(o, { usersMs: 1, roomsMs: 1, connectMs: 1, socketsOpen: 100, socketsFailed: 0 }, new Date(0), [a, b]);
  assert.equal(s.sent, 100);
  assert.equal(s.msgsPerSec, 10);
  assert.equal(s.delivered, 100);
  assert.equal(s.deliveryRatio, 0.5);
  assert.deepEqual(s.errors, { total: 4, byKind: { 'ack:RATE_LIMITED': 3, 'ack:timeout': 1 } });
  assert.equal(s.reconnects, 1);
  assert.equal(s.deliveryLatencyMs.count, 100);
  // 90 samples of 10 ms and 10 of 200 ms: the median is 10, p95 and p99 are 200 (within hdr's 3 digits).
  assert.ok(Math.abs(s.deliveryLatencyMs.p50Ms - 10) < 0.01);
  assert.ok(Math.abs(s.deliveryLatencyMs.p95Ms - 200) < 0.2);
  assert.ok(Math.abs(s.deliveryLatencyMs.p99Ms - 200) < 0.2);
  const table = renderTable(s);
  assert.match(table, /msgs\/s \(acked\)\s+10\.0/);
  assert.match(table, /delivered \/ expected\s+100 \/ 200 \(50\.0 %\)/);
  assert.match(table, /errors\s+4 \(ack:RATE_LIMITED 3, ack:timeout 1\)/);
});

test('no samples give missing percentiles, not zeros', () => {
  const s = summarize(parseLoadOptions([]), { usersMs: 0, roomsMs: 0, connectMs: 0, socketsOpen: 0, socketsFailed: 0 }, new Date(0), [result(0, [])]);
  assert.equal(s.deliveryLatencyMs.count, 0);
  assert.ok(Number.isNaN(s.deliveryLatencyMs.p99Ms));
  assert.ok(Number.isNaN(s.deliveryRatio));
  assert.match(renderTable(s), /delivery p50 \/ p95 \/ p99 \/ max\s+- \/ - \/ - \/ - ms \(0\)/);
});

test('the progress line shows the totals and the last interval’s rate', () => {
  const before = { ...emptyCounters(), acked: 100 };
  const now = { ...sumCounters([{ ...emptyCounters(), sent: 160, acked: 150, delivered: 600, errors: { x: 2 }, reconnects: 1 }]) };
  assert.equal(progressLine(7.2, 45, now, before, 1), '[ 7/45s] sent 160 acked 150 delivered 600 50.0 msgs/s errors 2 reconnects 1');
});
