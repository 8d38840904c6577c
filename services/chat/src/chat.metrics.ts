import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, type Metrics } from '@converge/runtime';

/** Nest injection token of the ChatMetrics. */
export const CHAT_METRICS = Symbol('CHAT_METRICS');

/** The chat service's own series, on the process registry (served at /metrics). */
export interface ChatMetrics {
  /** Sends by result: created, duplicate (a retry answered from storage) or the error code. */
  sends: Counter<'result' | 'transport'>;
  /** From a message:send arriving on the socket to its ack leaving (stored and committed). */
  ackLatency: Histogram<'result'>;
  connectedSockets: Gauge;
  /** message:new packets written to this pod's sockets (real-time fan-out). */
  fanoutDeliveries: Counter;
}

export function createChatMetrics(m: Metrics, pool: Pool): ChatMetrics {
  const registers = [m.registry];
  new Gauge({
    name: 'chat_outbox_lag_seconds',
    help: 'Age of the oldest CHAT event not yet published to NATS (0 when none waits)',
    registers,
    async collect() {
      try {
        const r = await pool.query<{ age: number | null }>(
          'SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM outbox WHERE published_at IS NULL',
        );
        this.set(r.rows[0]?.age ?? 0);
      } catch {
        // PostgreSQL down: readiness reports it; keep the last value.
      }
    },
  });
  return {
    sends: new Counter({ name: 'chat_messages_sent_total', help: 'message sends by result', labelNames: ['result', 'transport'], registers }),
    ackLatency: new Histogram({
      name: 'chat_send_ack_seconds',
      help: 'message:send received to ack sent',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    connectedSockets: new Gauge({ name: 'chat_sockets_connected', help: 'Socket.IO connections on this pod', registers }),
    fanoutDeliveries: new Counter({ name: 'chat_fanout_deliveries_total', help: 'message:new packets written to local sockets', registers }),
  };
}

/** Runs a send and counts it by result (created, duplicate, or the error code). */
export async function countedSend<T extends { created: boolean }>(m: ChatMetrics, transport: string, send: () => Promise<T>): Promise<T> {
  try {
    const r = await send();
    m.sends.inc({ result: r.created ? 'created' : 'duplicate', transport });
    return r;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    m.sends.inc({ result: typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'error', transport });
    throw e;
  }
}
