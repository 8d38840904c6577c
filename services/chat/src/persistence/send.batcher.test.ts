import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SendBatcher } from './send.batcher';

const ok = <O>(o: O): PromiseSettledResult<O> => ({ status: 'fulfilled', value: o });

/** A flush the test completes by hand, recording every batch it was given. */
function manualFlush() {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const flush = (items: number[]) => {
    batches.push(items);
    return new Promise<PromiseSettledResult<number>[]>((resolve) => pending.push(() => resolve(items.map((i) => ok(i * 10)))));
  };
  return { batches, flush, finishNext: () => pending.shift()?.() };
}

const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a send while nothing is in flight goes at once, alone: no timer, no wait for company', async () => {
  const f = manualFlush();
  const b = new SendBatcher(f.flush, { maxSize: 10, maxWaitMs: 2 });
  const t0 = performance.now();
  const p = b.submit(1);
  await turn();
  assert.deepEqual(f.batches, [[1]]);
  f.finishNext();
  assert.equal(await p, 10);
  assert.ok(performance.now() - t0 < 50);
});

test('sends that arrive while a flush is in flight go together once it answers; each hears only its own result', async () => {
  const f = manualFlush();
  const b = new SendBatcher(f.flush, { maxSize: 10, maxWaitMs: 2000 });
  const first = b.submit(1);
  await turn();
  const rest = [2, 3, 4].map((i) => b.submit(i));
  await turn();
  assert.deepEqual(f.batches, [[1]], 'the others wait for the commit in flight');
  let settled = 0;
  for (const p of rest) void p.then(() => settled++);
  f.finishNext();
  assert.equal(await first, 10);
  await turn();
  assert.deepEqual(f.batches, [[1], [2, 3, 4]]);
  assert.equal(settled, 0, 'no ack before its own batch answered');
  f.finishNext();
  assert.deepEqual(await Promise.all(rest), [20, 30, 40]);
});

test('a full batch goes at once, even while another is in flight', async () => {
  const f = manualFlush();
  const b = new SendBatcher(f.flush, { maxSize: 3, maxWaitMs: 2000 });
  void b.submit(0);
  await turn();
  const ps = [1, 2, 3, 4].map((i) => b.submit(i));
  assert.deepEqual(f.batches, [[0], [1, 2, 3]], 'the third waiting send filled a batch');
  assert.deepEqual(b.state, { queued: 1, inFlight: 2 });
  f.finishNext();
  f.finishNext();
  await turn();
  assert.deepEqual(f.batches, [[0], [1, 2, 3], [4]]);
  f.finishNext();
  assert.deepEqual(await Promise.all(ps), [10, 20, 30, 40]);
});

test('a send waits at most maxWaitMs for a slow flush in flight, then goes on its own flush', async () => {
  const f = manualFlush();
  const b = new SendBatcher(f.flush, { maxSize: 100, maxWaitMs: 2 });
  void b.submit(1);
  await turn();
  const late = b.submit(2);
  await sleep(30);
  assert.deepEqual(f.batches, [[1], [2]], 'the second did not wait for the first to answer');
  f.finishNext();
  f.finishNext();
  assert.equal(await late, 20);
});

test('at maxInFlight flushes, waiting sends go with the next answer, in one batch, however long it takes', async () => {
  const f = manualFlush();
  const b = new SendBatcher(f.flush, { maxSize: 100, maxWaitMs: 1, maxInFlight: 1 });
  void b.submit(1);
  await turn();
  const later = [2, 3, 4].map((i) => b.submit(i));
  await sleep(20);
  assert.deepEqual(f.batches, [[1]], 'no second flush while one is under way');
  f.finishNext();
  await turn();
  assert.deepEqual(f.batches, [[1], [2, 3, 4]]);
  f.finishNext();
  assert.deepEqual(await Promise.all(later), [20, 30, 40]);
});

test('a failed flush rejects each of its sends and no other; a failed entry rejects only itself', async () => {
  let calls = 0;
  const b = new SendBatcher<number, number>(
    async (items) => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return items.map((i) => (i === 3 ? { status: 'rejected', reason: new Error('bad entry') } : ok(i)));
    },
    { maxSize: 10, maxWaitMs: 2 },
  );
  const first = b.submit(1);
  await assert.rejects(first, /database down/);
  const [a, c, d] = await Promise.allSettled([b.submit(2), b.submit(3), b.submit(4)]);
  assert.deepEqual(a, ok(2));
  assert.equal(c?.status, 'rejected');
  assert.match(String((c as PromiseRejectedResult).reason), /bad entry/);
  assert.deepEqual(d, ok(4));
});

test('a flush that answers the wrong number of results fails its sends instead of mis-pairing them', async () => {
  const b = new SendBatcher<number, number>(async () => [ok(1)], { maxSize: 10, maxWaitMs: 2 });
  const r = await Promise.allSettled([b.submit(1), b.submit(2)]);
  assert.deepEqual(
    r.map((x) => x.status),
    ['rejected', 'rejected'],
  );
});

test('bad options are refused with a message naming them', () => {
  const flush = async () => [];
  assert.throws(() => new SendBatcher(flush, { maxSize: 0, maxWaitMs: 2 }), /maxSize/);
  assert.throws(() => new SendBatcher(flush, { maxSize: 1.5, maxWaitMs: 2 }), /maxSize/);
  assert.throws(() => new SendBatcher(flush, { maxSize: 2, maxWaitMs: -1 }), /maxWaitMs/);
  assert.throws(() => new SendBatcher(flush, { maxSize: 2, maxWaitMs: 1, maxInFlight: 0 }), /maxInFlight/);
});

test('each flush is reported once it answered, with its size (the batch-size metric), failed ones too', async () => {
  const f = manualFlush();
  const seen: number[] = [];
  const b = new SendBatcher(f.flush, { maxSize: 10, maxWaitMs: 2000, onFlush: (size, seconds) => {
      assert.ok(seconds >= 0);
      seen.push(size);
    },
  });
  const first = b.submit(1);
  await turn();
  const rest = [2, 3].map((i) => b.submit(i));
  assert.equal(seen.length, 0, 'nothing reported before the flush answers');
  f.finishNext();
  await first;
  await turn();
  f.finishNext();
  await Promise.all(rest);
  assert.deepEqual(seen, [1, 2]);
  const failing = new SendBatcher<number, number>(() => Promise.reject(new Error('db down')), {
    maxSize: 10,
    maxWaitMs: 2,
    onFlush: (size) => seen.push(size),
  });
  await assert.rejects(failing.submit(7), /db down/);
  assert.deepEqual(seen, [1, 2, 1]);
});
