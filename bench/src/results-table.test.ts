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

test('Centrifugo is printed under each fan-out row as a peer, with the chat\'s ratio to it and no verdict', () => {
  const bare: SystemResult = { fanout: { '10': fan(20_000), '100': fan(50_000) } };
  const chat: SystemResult = { fanout: { '10': fan(10_000), '100': fan(30_000) } };
  const centrifugo: SystemResult = { fanout: { '10': fan(40_000), '100': fan(120_000) } };
  const t = resultsTable(bare, chat, undefined, [10, 100], centrifugo);
  const peerRows = t.rows.filter((r) => r[3] === 'Centrifugo v6 (peer)');
  assert.deepEqual(
    peerRows.map((r) => [r[0], r[1], r[2], r[4], r[5]]),
    [
      ['  same, against Centrifugo', '10,000', '40,000', '25 %', 'info'],
      ['  same, against Centrifugo', '30,000', '120,000', '25 %', 'info'],
      // per CPU-second used: the same 2 CPU-s/s in every fixture
      ['  same, against Centrifugo', '15,000', '60,000', '25 %', 'info'],
    ],
  );
  const r100 = t.rows.findIndex((r) => r[0] === 'fan-out deliveries/s R=100');
  assert.equal(t.rows[r100 + 1]?.[2], '120,000', 'right below the bare Socket.IO figure');
  assert.equal(t.verdicts.fanout100?.met, true, 'the target is still judged against bare Socket.IO');
});

test('a Centrifugo that ran alone (no chat) still shows its figure, with no ratio', () => {
  const t = resultsTable({ fanout: { '100': fan(50_000) } }, undefined, undefined, [100], { fanout: { '100': fan(80_000) } });
  const row = t.rows.find((r) => r[3] === 'Centrifugo v6 (peer)');
  assert.deepEqual(row && [row[1], row[2], row[4]], ['-', '80,000', '-']);
  assert.equal(t.rows.filter((r) => r[3] === 'Centrifugo v6 (peer)').length, 2, 'fan-out row and per-CPU row');
});

test('without Centrifugo the table has no peer rows', () => {
  const t = resultsTable({ fanout: {} }, { fanout: {} }, undefined, [10, 100, 1000]);
  assert.ok(!t.text.includes('Centrifugo'));
});
