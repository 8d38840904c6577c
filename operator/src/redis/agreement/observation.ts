// What one pass saw of a RedisSentinel's pods: each Redis pod's INFO replication and each Sentinel's
// view of the master (read by live/read.ts; pure data, so the agreement logic is a plain function).

export interface RedisObservation {
  /** The pod's name (`<name>-redis-<i>`). */
  name: string;
  /** `host:port` forms the pod is known by: the address it announces (its DNS name) first, then its IP. */
  addresses: string[];
  reachable: boolean;
  info?: {
    role: 'master' | 'replica';
    /** A replica's upstream as it was told (REPLICAOF host port). */
    masterHost?: string;
    masterPort?: number;
    /** master_link_status:up */
    linkUp?: boolean;
    /** master_repl_offset (master) or slave_repl_offset (replica). */
    offset: number;
    /** Keys in every database (DBSIZE of db 0 is enough here: the services use db 0). */
    keys: number;
  };
}

export interface SentinelMonitor {
  host: string;
  port: number;
  configEpoch: number;
  /** flags has failover_in_progress, or a failover state other than none. */
  failoverInProgress: boolean;
  /** flags has s_down / o_down: this Sentinel sees the master down. */
  masterDown: boolean;
  knownReplicas: number;
  knownSentinels: number;
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export interface SentinelObservation {
  /** The pod's name (`<name>-sentinel-<i>`). */
  name: string;
  reachable: boolean;
  /** What it monitors under masterName; absent: it monitors nothing (a fresh or reset Sentinel). */
  monitor?: SentinelMonitor;
}

export const addressKey = (host: string, port: number | string) => `${host.toLowerCase()}:${port}`;

export const hasData = (o: RedisObservation) => !!o.info && (o.info.keys > 0 || o.info.offset > 0);

/** The pod one of whose addresses is `host:port`. */
export function podAt(redis: RedisObservation[], host: string | undefined, port: number | undefined): RedisObservation | undefined {
  if (!host || port === undefined) return undefined;
  const key = addressKey(host, port);
  return redis.find((r) => r.addresses.some((a) => a.toLowerCase() === key));
}
