import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerEvent } from '@converge/protocol';
import { timeDeliveries } from './delivery-timing';

type Opts = { flags?: object };

/** An adapter as socket.io's in-memory one behaves: broadcast applies the packet to every socket of the rooms. */
function fakeAdapter(sockets: number) {
  const written: unknown[] = [];
  const adapter = {
    broadcast(packet: unknown, opts: Opts) {
      this.apply(opts, () => written.push(packet));
    },
    apply(_opts: Opts, cb: (socket: unknown) => void) {
      for (let i = 0; i < sockets; i++) cb({ id: i });
    },
  };
  return { adapter, written };
}

test('a message:new broadcast is counted and timed once per pod, with the sockets it reached', () => {
  const seen: [string, number, number][] = [];
  let clock = 1000;
  const fake = fakeAdapter(50);
  const make = timeDeliveries(() => fake.adapter, (path, seconds, sockets) => seen.push([path, seconds, sockets]), () => clock);
  const adapter = make({});
  const packet = { type: 2, data: [ServerEvent.MessageNew, { seq: 1 }] };
  adapter.broadcast(packet, {});
  assert.equal(fake.written.length, 50, 'every socket written');
  assert.deepEqual(seen, [['local', 0, 50]]);

  // The same packet as another pod receives it from Redis: the flags were decoded into a new object.
  clock = 1250;
  adapter.broadcast(packet, { flags: { convergeCommittedAt: 1000 } });
  assert.deepEqual(seen[1], ['remote', 0.25, 50]);
});

test('other packets are neither counted nor timed', () => {
  const seen: unknown[] = [];
  const fake = fakeAdapter(3);
  const adapter = timeDeliveries(() => fake.adapter, (...a) => seen.push(a))({});
  adapter.broadcast({ type: 2, data: [ServerEvent.Typing, {}] }, {});
  assert.equal(fake.written.length, 3);
  assert.deepEqual(seen, []);
});
