// Steady, bounded load from a set of chat clients: each sends one message, waits for its ack, pauses
// `intervalMs`, and goes on until `stop()` or `maxPerClient` sends. What it measured (every ack with its
// time, retries, sends that gave up) is what the rollout and pod-kill tests judge and print.
import type { Message } from '@converge/protocol';
import type { ChatClient, SendResult } from './chat-client';

export interface SteadyLoad {
  /** Every ack so far, all clients together. */
  readonly results: SendResult[];
  /** Sends that found no ack within their deadline (each one names its error). */
  readonly failures: string[];
  /** Stops sending and waits for the sends in flight to end. */
  stop(): Promise<void>;
  acked(): Message[];
  /** Retried send attempts so far, all clients together (same clientMsgId each time). */
  retries(): number;
  /** Why they were retried: ack error code or `timeout`, summed over the clients. */
  retryReasons(): Record<string, number>;
}

export function startSteadyLoad(clients: ChatClient[], o: { intervalMs: number; maxPerClient: number; label: string }): SteadyLoad {
  let stopping = false;
  const results: SendResult[] = [];
  const failures: string[] = [];
  const loops = clients.map(async (c, i) => {
    for (let n = 0; n < o.maxPerClient && !stopping; n++) {
      try {
        results.push(await c.send(`${o.label} ${i}/${n}`));
      } catch (e) {
        failures.push(String(e));
        return;
      }
      await new Promise((r) => setTimeout(r, o.intervalMs));
    }
  });
  return {
    results,
    failures,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
    acked: () => results.map((r) => r.message),
    retries: () => clients.reduce((n, c) => n + c.retries, 0),
    retryReasons: () => {
      const out: Record<string, number> = {};
      for (const c of clients) for (const [k, n] of c.retryReasons) out[k] = (out[k] ?? 0) + n;
      return out;
    },
  };
}

/** Waits (bounded) until `cond` holds, polling every 250 ms. */
export async function until(what: string, timeoutMs: number, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
