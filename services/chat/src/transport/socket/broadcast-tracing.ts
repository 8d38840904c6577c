import { runInSpan, SpanKind, startOwnSpan } from '@converge/runtime';
import { roomIdOfChannel } from './socket.notifier';

/** What of a socket.io broadcast this reads: the packet's event name and the rooms it goes to. */
interface Broadcast {
  packet: unknown;
  opts: { rooms?: Set<string> };
}
interface AdapterLike {
  broadcast(packet: unknown, opts: Broadcast['opts']): void;
}

function eventOf(packet: unknown): string {
  const data = (packet as { data?: unknown } | null)?.data;
  return Array.isArray(data) && typeof data[0] === 'string' ? data[0] : 'unknown';
}

/** Room ids only (acceptable in traces): a user channel's id is never an attribute. */
function roomIdsOf(opts: Broadcast['opts']): string[] {
  return [...(opts.rooms ?? [])].map(roomIdOfChannel).filter((id): id is string => id !== undefined);
}

/**
 * Wraps an adapter factory so that a broadcast made inside a trace (a socket event, a request) is a
 * span of it: `broadcast message:new`, over the local write and the Redis publish (the ioredis span
 * nests under it). Broadcasts outside a trace (presence, expiry) and every broadcast while traces
 * are not exported cost nothing more than the check.
 */
export function traceBroadcasts<A extends AdapterLike>(factory: (nsp: unknown) => A): (nsp: unknown) => A {
  // A function, not an arrow: socket.io calls the adapter factory with `new` (it returns the adapter).
  return function tracedAdapter(nsp: unknown): A {
    const adapter = factory(nsp);
    const broadcast = adapter.broadcast.bind(adapter);
    (adapter as AdapterLike).broadcast = (packet, opts) => {
      const event = eventOf(packet);
      const span = startOwnSpan(`broadcast ${event}`, {
        kind: SpanKind.PRODUCER,
        requireParent: true,
        attributes: { 'socket.io.event': event, 'messaging.system': 'redis', 'converge.room.ids': roomIdsOf(opts) },
      });
      try {
        runInSpan(span, () => broadcast(packet, opts));
      } finally {
        span?.end();
      }
    };
    return adapter;
  };
}
