import { codeLabel, Counter, Gauge, Histogram, type Metrics } from '@converge/runtime';

/** Nest injection token of the ChatMetrics. */
export const CHAT_METRICS = Symbol('CHAT_METRICS');

// Labels are few and bounded (transport, event name, error code, path): never a room or user id.
// The table of every series, which the rules and dashboards use, is docs/METRICS.md.

/** The chat service's own series, on the process registry (served at /metrics). */
export interface ChatMetrics {
  /** The process's shared series (requests rejected by code, GraphQL operations). */
  base: Metrics;
  /** Sends by result: created, duplicate (a retry answered from storage) or the error code. */
  sends: Counter<'result' | 'transport'>;
  /** From a message:send arriving on the socket to its ack leaving (stored and committed). */
  ackLatency: Histogram<'result'>;
  /** Every socket ack by event and result (ok or the error code). */
  acks: Counter<'event' | 'result'>;
  connectedSockets: Gauge;
  /** message:new packets written to this pod's sockets (real-time fan-out). */
  fanoutDeliveries: Counter;
  /** Sender's commit to the packet written on this pod; path local (same pod) or remote (through Redis). */
  deliveryLatency: Histogram<'path'>;
  /** Catch-up reads (room:sync, REST and GraphQL changes) and the messages they returned: what real time missed. */
  syncRequests: Counter<'transport'>;
  syncMessages: Counter<'transport'>;
  /** Socket.IO Redis adapter failures: publishes dropped, client errors. */
  adapterErrors: Counter<'op'>;
  /** Sends per group commit (one chat_send_batch or chat_send statement) and how long each took. */
  sendBatchSize: Histogram;
  sendBatchSeconds: Histogram;
}

export function createChatMetrics(m: Metrics): ChatMetrics {
  const registers = [m.registry];
  const metrics: ChatMetrics = {
    base: m,
    sends: new Counter({ name: 'chat_messages_sent_total', help: 'message sends by result', labelNames: ['result', 'transport'], registers }),
    ackLatency: new Histogram({
      name: 'chat_send_ack_seconds',
      help: 'message:send received to ack sent',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    acks: new Counter({ name: 'chat_socket_acks_total', help: 'Socket acks by event and result (ok or the error code)', labelNames: ['event', 'result'], registers }),
    connectedSockets: new Gauge({ name: 'chat_sockets_connected', help: 'Socket.IO connections on this pod', registers }),
    fanoutDeliveries: new Counter({ name: 'chat_fanout_deliveries_total', help: 'message:new packets written to local sockets', registers }),
    deliveryLatency: new Histogram({
      name: 'chat_delivery_seconds',
      help: "Sender's commit to message:new written to a socket on this pod (path local or remote, through Redis)",
      labelNames: ['path'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    syncRequests: new Counter({ name: 'chat_sync_requests_total', help: 'Catch-up reads (room:sync / changes) by transport', labelNames: ['transport'], registers }),
    syncMessages: new Counter({
      name: 'chat_sync_messages_total',
      help: 'Messages returned by catch-up reads: what real-time delivery missed',
      labelNames: ['transport'],
      registers,
    }),
    adapterErrors: new Counter({ name: 'chat_redis_adapter_errors_total', help: 'Socket.IO Redis adapter failures by op (publish, client)', labelNames: ['op'], registers }),
    sendBatchSize: new Histogram({
      name: 'chat_send_batch_size',
      help: 'Sends stored by one group commit (one statement, one commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    }),
    sendBatchSeconds: new Histogram({
      name: 'chat_send_batch_seconds',
      help: 'One group commit, from its statement sent to its answer (the commit included)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
  };
  // Exported at 0 from the start: a healthy pod shows "no errors, no catch-up", not "no data", and
  // rate() over them has a baseline when the first one happens.
  for (const op of ['publish', 'client']) metrics.adapterErrors.inc({ op }, 0);
  metrics.syncRequests.inc({ transport: 'socket' }, 0);
  metrics.syncMessages.inc({ transport: 'socket' }, 0);
  return metrics;
}

/** Runs a send and counts it by result (created, duplicate, or the error code). */
export async function countedSend<T extends { created: boolean }>(m: ChatMetrics, transport: string, send: () => Promise<T>): Promise<T> {
  try {
    const r = await send();
    m.sends.inc({ result: r.created ? 'created' : 'duplicate', transport });
    return r;
  } catch (e) {
    m.sends.inc({ result: codeLabel((e as { code?: unknown }).code), transport });
    throw e;
  }
}

/** Runs a catch-up read and counts it with the messages it returned. */
export async function countedSync<T extends { messages: readonly unknown[] }>(m: ChatMetrics, transport: string, read: () => Promise<T>): Promise<T> {
  const r = await read();
  m.syncRequests.inc({ transport });
  m.syncMessages.inc({ transport }, r.messages.length);
  return r;
}
