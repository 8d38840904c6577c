import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultsTable, type SystemResult } from './results-table';
import type { FanoutFigures, MemoryFigures, PhaseFigures } from './scenarios';
import { summarize } from './stats';

const phase = (sendsPerSec: number, deliveriesPerSec: number, deliverMs: number[] = []): PhaseFigures => ({
  sendsPerSec,
  deliveriesPerSec,
  sent: 0,
  acked: 0,
  errors: {},
  unacked: 0,
  echoTimeouts: 0,
  ack: summarize([]),
  deliver: summarize(deliverMs),
  clientElu: [],
  clientLoopDelayP99Ms: [],
  cpu: { wallSeconds: 5, servers: 1, clients: 0.5, redis: 0.1, postgres: 0.4, machine: 2, others: 0 },
});
const fan = (deliveriesPerSec: number): FanoutFigures => ({ ...phase(0, deliveriesPerSec), setupSeconds: 1, setup: { roomSeconds: 0, connectSeconds: 0, settleSeconds: 1 }, settled: true });
const mem = (kib: number): MemoryFigures => ({ sockets: 10, rssBytesPerSocket: 0, heapBytesPerSocket: kib * 1024, retainedBytesPerSocket: kib * 1024, before: [], after: [], connectSeconds: 1 });
const raw = (perSec: number) => ({ schema: '', insertsPerSec: perSec, latency: summarize([]), errors: 0, connections: 20, concurrency: 200, variant: 'insert', cpu: undefined });

test('the four targets are judged from the figures beside their ceilings', () => {
  const bare: SystemResult = { memory: mem(10), sends: phase(4000, 16000), fanout: { '100': fan(50_000) } };
  const chat: SystemResult = {
    memory: mem(25),
    sends: phase(1000, 4000),
    latency: { ...phase(500, 2000, [5, 10, 40]), targetRate: 500 },
    fanout: { '100': fan(30_000) },
  };
  const t = resultsTable(bare, chat, { insert: raw(1500), seqTx: raw(1000) }, [100]);
  assert.equal(t.verdicts.sends?.met, true, '1000 of 1500 is 67 %');
  assert.equal(t.verdicts.fanout100?.met, true, '30k of 50k is 60 %');
  assert.equal(t.verdicts.latencyP99?.met, true, 'p99 40 ms');
  assert.equal(t.verdicts.memory?.met, false, '2.5× the bare socket');
  assert.match(t.text, /durable acked sends\/s \(100 rooms, 2 pods\)\s+1,000\s+1,500/);
});

test('a system that did not run leaves its targets without a verdict', () => {
  const t = resultsTable({ fanout: {} }, undefined, undefined, [10, 100, 1000]);
  assert.equal(t.verdicts.sends?.met, undefined);
  assert.equal(t.verdicts.fanout100?.met, undefined);
  assert.equal(t.verdicts.latencyP99?.met, undefined);
  assert.equal(t.verdicts.memory?.met, undefined);
  assert.ok(t.rows.every((r) => r[1] === '-'), 'no converge figure is made up');
});
