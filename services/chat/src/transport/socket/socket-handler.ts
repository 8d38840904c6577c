import {
  type Ack,
  type ApiError,
  type ClientEventAcks,
  type ClientEventName,
  type ClientEventPayload,
  clientEventSchemas,
  parseOrThrow,
} from '@converge/protocol';
import { toHttpFailure } from '@converge/runtime';
import type { SocketWork } from './socket-work';
import type { ChatSocket } from './socket.types';

/** The ack a handler failure becomes: the same code the REST route would answer. */
export function failure(e: unknown): { ok: false; error: ApiError } {
  const f = toHttpFailure(e);
  return { ok: false, error: f.body.error };
}

type AckFn = (a: Ack<object>) => void;
/** Told every ack with the time the event arrived (ack latency metrics). */
export type AckObserver = (ack: Ack<object>, startedAt: number) => void;

const UNAVAILABLE_DRAINING: Ack<object> = {
  ok: false,
  error: { code: 'UNAVAILABLE', message: 'this server is shutting down; reconnect and retry' },
};

/**
 * Wraps a socket listener: whatever the client sends (no ack, a non-object, junk, extra arguments),
 * the process never throws, and the client hears `{ok:true,...}` or `{ok:false,error}` when it
 * gave an ack callback. While draining, new work is refused with UNAVAILABLE (retry elsewhere);
 * work already under way finishes and is acked.
 */
export function handler<T extends object>(
  fn: (payload: unknown) => Promise<T>,
  onError: (e: unknown) => void,
  work: SocketWork,
  observe?: AckObserver,
) {
  return (...args: unknown[]): void => {
    const startedAt = performance.now();
    const last = args[args.length - 1];
    const given = typeof last === 'function' ? (last as AckFn) : undefined;
    const ack: AckFn = (a) => {
      observe?.(a, startedAt);
      try {
        given?.(a);
      } catch (e) {
        onError(e);
      }
    };
    const payload = given ? (args.length > 1 ? args[0] : undefined) : args[0];
    if (work.draining) return ack(UNAVAILABLE_DRAINING);
    work.inFlight++;
    let p: Promise<T>;
    try {
      p = fn(payload);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (result) => ack({ ok: true, ...result }),
      (e: unknown) => {
        const f = failure(e);
        if (f.error.code === 'UNAVAILABLE') onError(e);
        ack(f);
      },
    ).finally(() => work.inFlight--);
  };
}

/** What a typed handler knows besides its payload. */
export interface HandlerContext {
  /** The authenticated user of the socket. */
  readonly userId: string;
  readonly socket: ChatSocket;
}

/** A handler for one client event: the payload as the protocol's schema parsed it in, the ack's success body out. */
export type EventHandler<E extends ClientEventName> = (payload: ClientEventPayload<E>, ctx: HandlerContext) => Promise<ClientEventAcks[E]>;

/** Registers `fn` for `event` on `socket`; the payload and ack types come from the protocol's event map. */
export type Handle = <E extends ClientEventName>(socket: ChatSocket, event: E, fn: EventHandler<E>, observe?: AckObserver) => void;

export interface HandleDeps {
  work: SocketWork;
  onError: (e: unknown, socket: ChatSocket) => void;
  /** Told every ack with its event (the ack counters); the handler's own observer runs too. */
  onAck?: (event: ClientEventName, ack: Ack<object>) => void;
  /** The schemas payloads are parsed with: the protocol's (a test may hand in counting ones). */
  schemas?: typeof clientEventSchemas;
}

/**
 * The one way socket handlers are registered: the payload is validated once, here, with the
 * protocol's schema for the event (a failure is the ack `{ok:false,error:{code:'VALIDATION_FAILED'}}`),
 * and the handler (and the domain behind it) gets the parsed value and never parses again.
 */
export function createHandle(d: HandleDeps): Handle {
  const schemas = d.schemas ?? clientEventSchemas;
  return (socket, event, fn, observe) => {
    const ctx: HandlerContext = {
      socket,
      get userId() {
        return socket.data.userId;
      },
    };
    const listener = handler(
      (raw) => fn(parseOrThrow(schemas[event], raw) as ClientEventPayload<typeof event>, ctx),
      (e) => d.onError(e, socket),
      d.work,
      d.onAck
        ? (a, t0) => {
            d.onAck?.(event, a);
            observe?.(a, t0);
          }
        : observe,
    );
    // socket.io's typed `on` wants the listener of the event map; ours takes anything a client may send.
    (socket as unknown as { on(e: string, f: (...a: unknown[]) => void): void }).on(event, listener);
  };
}
