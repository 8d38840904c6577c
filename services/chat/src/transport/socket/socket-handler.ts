import {
  type Ack,
  type ApiError,
  type ClientEventAcks,
  type ClientEventName,
  type ClientEventPayload,
  clientEventSchemas,
  parseOrThrow,
} from '@converge/protocol';
import { runInSpan, type Span, SpanKind, SpanStatusCode, startOwnSpan, toHttpFailure } from '@converge/runtime';
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
 * The span of one socket event, the root of its trace (a socket event has no incoming trace context):
 * `socket message:send`, a SERVER span, ERROR with the ack's code when refused. Made only while
 * traces are exported (startOwnSpan); the payload and the user are never attributes.
 */
function startEventSpan(event: string | undefined): Span | undefined {
  if (!event) return undefined;
  return startOwnSpan(`socket ${event}`, { kind: SpanKind.SERVER, root: true, attributes: { 'socket.io.event': event } });
}

function endEventSpan(span: Span | undefined, a: Ack<object>): void {
  if (!span) return;
  if (!a.ok) {
    span.setAttribute('converge.error.code', a.error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: a.error.code });
  }
  span.end();
}

/**
 * Wraps a socket listener: whatever the client sends (no ack, a non-object, junk, extra arguments),
 * the process never throws, and the client hears `{ok:true,...}` or `{ok:false,error}` when it
 * gave an ack callback. While draining, new work is refused with UNAVAILABLE (retry elsewhere);
 * work already under way finishes and is acked. Given its `event` name, the work and its ack run in
 * the event's span, so the PostgreSQL, Redis and broadcast spans of the work nest under it and its
 * log lines carry its trace id.
 */
export function handler<T extends object>(
  fn: (payload: unknown) => Promise<T>,
  onError: (e: unknown) => void,
  work: SocketWork,
  observe?: AckObserver,
  event?: string,
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
    const span = startEventSpan(event);
    runInSpan(span, () => {
      let p: Promise<T>;
      try {
        p = fn(payload);
      } catch (e) {
        p = Promise.reject(e);
      }
      const done = (a: Ack<object>) => {
        ack(a);
        endEventSpan(span, a);
      };
      p.then(
        (result) => done({ ok: true, ...result }),
        (e: unknown) => {
          const f = failure(e);
          if (f.error.code === 'UNAVAILABLE') onError(e);
          done(f);
        },
      ).finally(() => work.inFlight--);
    });
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
      event,
    );
    // socket.io's typed `on` wants the listener of the event map; ours takes anything a client may send.
    (socket as unknown as { on(e: string, f: (...a: unknown[]) => void): void }).on(event, listener);
  };
}
