import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@converge/protocol';
import { handler, SocketWork } from './ack';

const tick = () => new Promise((r) => setImmediate(r));

test('the handler acks success and failure in the contract shape, with the payload before the callback', async () => {
  const work = new SocketWork();
  const acks: unknown[] = [];
  const seen: unknown[] = [];
  const h = handler(async (p) => {
    seen.push(p);
    if ((p as { fail?: boolean }).fail) throw new AppError('NOT_FOUND', 'no such room');
    return { echoed: true };
  }, () => undefined, work);
  h({ a: 1 }, (a: unknown) => acks.push(a));
  h({ fail: true }, (a: unknown) => acks.push(a));
  await tick();
  assert.deepEqual(seen, [{ a: 1 }, { fail: true }]);
  assert.deepEqual(acks, [{ ok: true, echoed: true }, { ok: false, error: { code: 'NOT_FOUND', message: 'no such room' } }]);
  assert.equal(work.inFlight, 0);
});

test('no ack callback, no payload, extra arguments, a synchronous throw or a throwing ack never escape', async () => {
  const work = new SocketWork();
  const errors: unknown[] = [];
  const h = handler((p) => {
    if (p === 'sync') throw new Error('boom');
    return Promise.reject(new AppError('VALIDATION_FAILED', 'bad'));
  }, (e) => errors.push(e), work);
  h();
  h('junk');
  h('sync');
  h(1, 2, 3);
  h({}, () => {
    throw new Error('client callback failed');
  });
  await tick();
  await tick();
  assert.equal(work.inFlight, 0);
  assert.ok(errors.some((e) => (e as Error).message === 'client callback failed'));
});

test('while draining, new work is refused with UNAVAILABLE and work under way still finishes', async () => {
  const work = new SocketWork();
  let release!: () => void;
  const acks: unknown[] = [];
  const h = handler(() => new Promise<object>((r) => (release = () => r({ done: 1 }))), () => undefined, work);
  h({}, (a: unknown) => acks.push(a));
  assert.equal(work.inFlight, 1);
  work.draining = true;
  h({}, (a: unknown) => acks.push(a));
  const settled = work.settled(2000);
  release();
  await settled;
  assert.deepEqual(acks, [
    { ok: false, error: { code: 'UNAVAILABLE', message: 'this server is shutting down; reconnect and retry' } },
    { ok: true, done: 1 },
  ]);
});
