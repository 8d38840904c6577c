// What `make load`'s main process and its client processes (load-worker.ts) say to each other over IPC.

export interface WorkerUser {
  userId: string;
  token: string;
  chatUrl: string;
  /** The rooms this user sends to, with how many members each has (for the expected deliveries). */
  rooms: Array<{ roomId: string; members: number }>;
}

export interface RunSpec {
  /** Marks this run's messages: older messages in the same rooms are not counted. */
  runId: string;
  ratePerSecond: number;
  durationMs: number;
  bodyChars: number;
  ackTimeoutMs: number;
  /** After the last send: wait for the acks, then until no delivery arrived for `quietMs` (at most `maxDrainMs`). */
  quietMs: number;
  maxDrainMs: number;
}

export interface Counters {
  sent: number;
  acked: number;
  /** message:new of this run at members other than the sender, first per (member, room, seq). */
  delivered: number;
  /** The same (member, room, seq) again (the contract allows it; clients keep the first). */
  duplicates: number;
  /** By kind: `ack:<CODE>`, `ack:timeout`, `connect:<message>`. */
  errors: Record<string, number>;
  reconnects: number;
  disconnects: number;
}

export interface RunResult extends Counters {
  worker: number;
  /** Acked sends times the other members of their room: what `delivered` should reach. */
  expectedDeliveries: number;
  /** hdr-histogram-js, compressed base64, microseconds. */
  ackLatency: string;
  deliveryLatency: string;
  unacked: number;
}

export type ToWorker = { op: 'open'; users: WorkerUser[] } | { op: 'run'; spec: RunSpec } | { op: 'exit' };

export type FromWorker =
  | { op: 'opened'; opened: number; failed: number; errors: string[] }
  | { op: 'progress'; counters: Counters }
  | { op: 'done'; result: RunResult }
  | { op: 'failed'; error: string };

export function emptyCounters(): Counters {
  return { sent: 0, acked: 0, delivered: 0, duplicates: 0, errors: {}, reconnects: 0, disconnects: 0 };
}
