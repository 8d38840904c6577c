// The instance agent's HTTP contract: what the operator reads and asks for. The agent (PID 1 of every
// PostgreSQL pod) is an executor; every decision (who is primary, when to fail over) is the
// operator's, taken from the Kubernetes API, so the two share only these shapes.

/** Port of the agent's HTTP server in every instance pod. */
export const AGENT_PORT = 8008;

/** Header carrying the shared token (the `<cluster>-agent` Secret) on every call but the probes and /metrics. */
export const AGENT_TOKEN_HEADER = 'authorization'; // value: `Bearer <token>`

/**
 * What the data directory holds, read from disk before postgres runs:
 * - `empty`: nothing yet (bootstrap or clone it),
 * - `primary`: a primary's data (no standby.signal),
 * - `replica`: a standby's data (standby.signal present).
 */
export type DataKind = 'empty' | 'primary' | 'replica';

/**
 * The agent's state machine:
 * - `waiting`: postgres not running, waiting for an order (empty data, or primary data: a primary
 *   never restarts by itself, since another instance may have been promoted meanwhile),
 * - `starting`, `running`: postgres starting / accepting connections in `role`,
 * - `fenced`: postgres stopped on the operator's order; stays down until `start-primary` or `rejoin`,
 * - `failed`: the last order failed (see `lastError`); the operator may retry it.
 */
export type AgentState = 'waiting' | 'starting' | 'running' | 'fenced' | 'failed';

export type Role = 'primary' | 'replica' | 'none';

export interface StandbyInfo {
  /** application_name: the standby's instance name. */
  name: string;
  state: string; // pg_stat_replication.state: streaming, catchup, ...
  syncState: string; // async, potential, sync, quorum
  flushLsn: string | null;
  replayLsn: string | null;
}

export interface AgentStatus {
  instance: string;
  state: AgentState;
  role: Role;
  dataKind: DataKind;
  /** True when the data directory was not shut down cleanly (pg_controldata's state). */
  crashed: boolean;
  /** postgres accepts connections in its role (the readiness probe's answer). */
  ready: boolean;
  /** Timeline ID (pg_control_checkpoint or the running server). null when unknown. */
  timeline: number | null;
  /** pg_current_wal_lsn on a primary; null otherwise. */
  currentLsn: string | null;
  /** pg_last_wal_receive_lsn / pg_last_wal_replay_lsn on a replica; null otherwise. */
  receiveLsn: string | null;
  replayLsn: string | null;
  /** For a stopped instance: the last checkpoint's REDO LSN from pg_controldata (null when empty). */
  checkpointLsn: string | null;
  /** A primary's connected standbys (pg_stat_replication). */
  standbys: StandbyInfo[];
  /** pg_stat_wal_receiver on a replica: the upstream it streams from (null when not streaming). */
  upstream: string | null;
  /** pg_control's database system identifier: every instance of one cluster shares it. */
  systemIdentifier: string | null;
  lastError: string | null;
}

/** POST bodies. Every order is idempotent: repeating it when already done answers 200 at once. */
export interface CloneOrder {
  /** Where to take the base backup from and stream from afterwards (the `<cluster>-rw` Service). */
  primaryHost: string;
  primaryPort: number;
  /**
   * `clone` only: replace whatever data is there (an old primary pg_rewind could not rejoin). Without
   * it, clone refuses a primary's data (409) and starts existing replica data as it is.
   */
  wipe?: boolean;
}
export type RejoinOrder = Omit<CloneOrder, 'wipe'>;

/**
 * The orders, each `POST /<name>`:
 * - `bootstrap`: initdb as primary, create the replication and app roles and databases, start as primary,
 * - `clone` (CloneOrder): pg_basebackup from the primary, start as replica,
 * - `start-primary`: start existing primary data as primary (the same instance stays primary),
 * - `promote`: promote this running replica (pg_promote, waits until it left recovery),
 * - `fence`: stop postgres (fast) and stay stopped: it takes no more writes,
 * - `rejoin` (RejoinOrder): stop if running, pg_rewind against the primary when needed, write
 *   standby.signal and primary_conninfo, start as replica.
 * Answers: 200 with the AgentStatus after the order, 409 `{error}` when the order does not fit the
 * state (promote of a primary is 200, promote of a stopped instance 409), 401 without the token.
 */
export type OrderName = 'bootstrap' | 'clone' | 'start-primary' | 'promote' | 'fence' | 'rejoin';
