// The PostgreSQL parameters a PostgresCluster may set. Everything replication, fencing and failover
// depend on (wal_level, synchronous_*, hot_standby, listen_addresses, archive, ports, paths) belongs to
// the agent and is not on the list: a spec that could turn off wal_log_hints would break pg_rewind.
export const ALLOWED_PARAMETERS = [
  'max_connections',
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'effective_cache_size',
  'random_page_cost',
  'effective_io_concurrency',
  'max_wal_size',
  'min_wal_size',
  'checkpoint_timeout',
  'checkpoint_completion_target',
  'wal_keep_size',
  'log_min_duration_statement',
  'log_statement',
  'log_lock_waits',
  'idle_in_transaction_session_timeout',
  'statement_timeout',
  'lock_timeout',
  'default_statistics_target',
  'autovacuum_max_workers',
  'autovacuum_naptime',
  'timezone',
] as const;
