import { type Ack, type ApiError } from '@converge/protocol';
import { toHttpFailure } from '@converge/runtime';

/** The ack a handler failure becomes: the same code the REST route would answer. */
export function failure(e: unknown): { ok: false; error: ApiError } {
  return { ok: false, error: toHttpFailure(e).body.error };
}

type AckFn = (a: Ack<object>) => void;

/** Socket work under way in this process, so a drain can let it finish before closing sockets. */
export class SocketWork {
  inFlight = 0;
  draining = false;

  /** Resolves when nothing is in flight, or after `maxMs`. */
  async settled(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Wraps a socket handler: whatever the client sends (no ack, a non-object, junk), the process never
 * throws, and the client hears `{ok:true,...}` or `{ok:false,error}`.
 */
export function handler<T extends object>(fn: (payload: unknown) => Promise<T>, onError: (e: unknown) => void, work: SocketWork) {
  return (...args: unknown[]): void => {
    const last = args[args.length - 1];
    const ack: AckFn = typeof last === 'function' ? (last as AckFn) : () => undefined;
    const payload = typeof last === 'function' ? args.slice(0, -1)[0] : args[0];
    if (work.draining) {
      ack({ ok: false, error: { code: 'UNAVAILABLE', message: 'this server is shutting down; reconnect and retry' } });
      return;
    }
    work.inFlight++;
    fn(payload)
      .finally(() => work.inFlight--)
      .then(
      (result) => ack({ ok: true, ...result }),
      (e: unknown) => {
        const f = failure(e);
        if (f.error.code === 'UNAVAILABLE') onError(e);
        ack(f);
      },
    );
  };
}
