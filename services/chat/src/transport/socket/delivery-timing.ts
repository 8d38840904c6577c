import { ServerEvent } from '@converge/protocol';

/**
 * The commit time of a message:new, carried in the adapter message's broadcast flags: the Redis
 * adapter publishes `flags` with the packet and hands them back to every receiving pod, so the time
 * travels without touching the payload clients see. Older pods ignore an unknown flag.
 */
const COMMITTED_AT = 'convergeCommittedAt';

type Opts = { flags?: object };
/** The two methods of a socket.io adapter this wraps (`apply` is private in its types). */
interface AdapterLike {
  broadcast(packet: unknown, opts: Opts): void;
}
interface AdapterInternals {
  apply(opts: Opts, cb: (socket: unknown) => void): void;
}

function isMessageNew(packet: unknown): boolean {
  const data = (packet as { data?: unknown } | null)?.data;
  return Array.isArray(data) && data[0] === ServerEvent.MessageNew;
}

/**
 * Wraps an adapter factory so that every message:new written to sockets is counted and timed from
 * the sender's commit (the broadcast, which follows the commit) to the writes: `local` when the
 * sockets are on the sending pod, `remote` when the packet came through Redis. Told once per
 * broadcast on this pod, after socket.io wrote the packet (encoded once, as one pre-built WebSocket
 * frame) to every socket, with how many sockets that was: nothing runs per recipient here but a
 * counter (the sockets are written in one synchronous loop, so one clock reading fits them all).
 * Pod clocks are compared, so across nodes the figure includes their skew (NTP keeps it to milliseconds).
 */
export function timeDeliveries<A extends AdapterLike>(
  factory: (nsp: unknown) => A,
  observe: (path: 'local' | 'remote', seconds: number, sockets: number) => void,
  now: () => number = Date.now,
): (nsp: unknown) => A {
  // A function, not an arrow: socket.io calls the adapter factory with `new` (it returns the adapter).
  return function timedAdapter(nsp: unknown): A {
    const adapter = factory(nsp);
    const internals = adapter as unknown as AdapterInternals;
    const broadcast = adapter.broadcast.bind(adapter);
    const apply = internals.apply.bind(adapter);
    // The options objects this pod stamped; those decoded from Redis are other objects (remote).
    const stamped = new WeakSet<object>();
    (adapter as AdapterLike).broadcast = (packet, opts) => {
      if (isMessageNew(packet) && !(opts.flags && COMMITTED_AT in opts.flags)) {
        opts = { ...opts, flags: { ...opts.flags, [COMMITTED_AT]: now() } };
        stamped.add(opts);
      }
      broadcast(packet, opts);
    };
    internals.apply = (opts, cb) => {
      const at = (opts.flags as Record<string, unknown> | undefined)?.[COMMITTED_AT];
      if (typeof at !== 'number') return apply(opts, cb);
      let sockets = 0;
      apply(opts, (socket) => {
        cb(socket);
        sockets++;
      });
      if (sockets) observe(stamped.has(opts) ? 'local' : 'remote', Math.max(0, now() - at) / 1000, sockets);
    };
    return adapter;
  };
}
