import { Counter, Gauge, Histogram, type Metrics } from '@converge/runtime';

export interface OperatorMetrics {
  reconciles: Counter<'result'>;
  failovers: Counter<'kind'>;
  promoteSeconds: Histogram<'kind'>;
  leader: Gauge;
  redisReconciles: Counter<'result'>;
  redisMasterChanges: Counter<'source'>;
  redisSentinelsDisagree: Gauge<'redissentinel'>;
}

export function operatorMetrics(m: Metrics): OperatorMetrics {
  const registers = [m.registry];
  return {
    reconciles: new Counter({ name: 'converge_operator_reconciles_total', help: 'Reconcile passes by result (ok, error)', labelNames: ['result'] as const, registers }),
    failovers: new Counter({ name: 'converge_operator_failovers_total', help: 'Primary changes by kind (failover, switchover)', labelNames: ['kind'] as const, registers }),
    promoteSeconds: new Histogram({
      name: 'converge_operator_promote_seconds',
      help: 'Seconds from the primary failing its first check (or a switchover starting) to a replica promoted',
      labelNames: ['kind'] as const,
      buckets: [0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60],
      registers,
    }),
    redisReconciles: new Counter({ name: 'converge_operator_redis_reconciles_total', help: 'RedisSentinel reconcile passes by result (ok, error)', labelNames: ['result'] as const, registers }),
    redisMasterChanges: new Counter({
      name: 'converge_operator_redis_master_changes_total',
      help: 'Redis master changes the operator followed, by how the master was known (sentinels, topology, bootstrap)',
      labelNames: ['source'] as const,
      registers,
    }),
    // One series per RedisSentinel (a handful per cluster, not a user-driven label): the alert
    // ConvergeSentinelsDisagree reads it.
    redisSentinelsDisagree: new Gauge({
      name: 'converge_operator_redis_sentinels_disagree',
      help: "1 while the RedisSentinel's SentinelsDisagree condition is True",
      labelNames: ['redissentinel'] as const,
      registers,
    }),
    leader: new Gauge({ name: 'converge_operator_leader', help: '1 while this replica holds the Lease and reconciles', registers }),
  };
}
