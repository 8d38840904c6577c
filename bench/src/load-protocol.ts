// What the bench's main process and its load-generating child processes say to each other over IPC.

/** How a client talks to its server: Socket.IO (bare ceiling and chat) or Centrifugo's client protocol (JSON). */
export type ClientProtocol = 'socket.io' | 'centrifugo';

/** One client socket: where it connects and what it sends in the handshake. */
export interface SocketSpec {
  key: string;
  protocol: ClientProtocol;
  /** The server's HTTP base URL; the protocol's client adds its path. */
  url: string;
  auth: Record<string, unknown>;
  userId: string;
}

export interface SenderSpec {
  /** The key of an opened socket. */
  key: string;
  roomId: string;
}

export interface PhaseSpec {
  tag: string;
  senders: SenderSpec[];
  /** closed: each sender keeps `window` sends in flight; open: this worker sends `ratePerSecond` in total. */
  mode: 'closed' | 'open';
  window: number;
  /** closed only: a send completes when its ack and the sender's own `message:new` both arrived (backpressure for fan-out). */
  waitEcho: boolean;
  ratePerSecond: number;
  warmupMs: number;
  measureMs: number;
  bodyChars: number;
  /** Record send→deliver latency samples (deliveries to members other than the sender). */
  latency: boolean;
}

export interface PhaseResult {
  worker: number;
  sent: number;
  acked: number;
  ackedInWindow: number;
  errors: Record<string, number>;
  ackLatencyMs: Float64Array;
  deliveriesInWindow: number;
  deliveriesTotal: number;
  deliveryLatencyMs: Float64Array;
  echoTimeouts: number;
  unacked: number;
  windowMs: number;
  /** Event-loop utilization of this client process during the window (1 = saturated client). */
  elu: number;
  loopDelayP99Ms: number;
}

export interface OpenResult {
  opened: number;
  failed: number;
  errors: string[];
  ms: number;
}

export type WorkerRequest =
  | { op: 'open'; specs: SocketSpec[]; concurrency: number }
  | { op: 'phase'; phase: PhaseSpec }
  | { op: 'close' }
  | { op: 'exit' };

export interface WorkerEnvelope {
  id: number;
  req: WorkerRequest;
}
export interface WorkerReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** The bare Socket.IO server's "trivial check" token. */
export const BARE_TOKEN = 'bench-bare-token';
