import type { Ack, ApiError } from '@converge/protocol';
import { toHttpFailure } from '@converge/runtime';

/** The ack a handler failure becomes: the same code the REST route would answer. */
export function failure(e: unknown): { ok: false; error: ApiError } {
  const f = toHttpFailure(e);
  return { ok: false, error: f.body.error };
}

type AckFn = (a: Ack<object>) => void;

/** Socket work under way in this process, so a drain can let it finish before closing sockets. */
export class SocketWork {
  inFlight = 0;
  draining = false;

  /** Resolves when nothing is in flight, or after `maxMs`. */
  async settled(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
}

const UNAVAILABLE_DRAINING: Ack<object> = {
  ok: false,
  error: { code: 'UNAVAILABLE', message: 'this server is shutting down; reconnect and retry' },
};

/**
 * Wraps a socket handler: whatever the client sends (no ack, a non-object, junk, extra arguments),
 * the process never throws, and the client hears `{ok:true,...}` or `{ok:false,error}` when it
 * gave an ack callback. While draining, new work is refused with UNAVAILABLE (retry elsewhere);
 * work already under way finishes and is acked.
 */
export function handler<T extends object>(
  fn: (payload: unknown) => Promise<T>,
  onError: (e: unknown) => void,
  work: SocketWork,
  observe?: (ack: Ack<object>, startedAt: number) => void,
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
