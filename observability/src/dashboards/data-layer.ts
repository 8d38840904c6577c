import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, stat, timeseries } from './panels';

/** Data layer: PostgreSQL primary and replicas, failovers, Redis masters, the services' pools. */
export function dataLayerDashboard(): Dashboard {
  return dashboard({
    uid: 'converge-data-layer',
    title: 'Converge / Data layer',
    description:
      'PostgreSQL primary and replication lag (operator agents), failovers and time to promote, Redis master changes, the services\' PostgreSQL pool saturation. Series: docs/METRICS.md.',
    rows: [
      {
        title: 'PostgreSQL',
        panels: [
          stat({
            title: 'Primaries',
            description: 'PostgreSQL instances running as primary (operator mode): 1 is right, 0 means writes fail',
            unit: 'short',
            queries: [{ expr: 'sum(converge_agent_role{role="primary"})' }],
          }),
          stat({
            title: 'Failovers (24 h)',
            description: 'Primary changes the operator made in the last 24 hours',
            unit: 'short',
            queries: [{ expr: 'sum(increase(converge_operator_failovers_total[24h]))' }],
          }),
          stat({ title: 'Timeline', description: 'PostgreSQL timeline ID (grows by one per promotion)', unit: 'short', queries: [{ expr: 'max(converge_agent_timeline)' }] }),
          stat({
            title: 'Operator leader',
            description: 'Operator replicas holding the Lease: 1 is right',
            unit: 'short',
            queries: [{ expr: 'sum(converge_operator_leader)' }],
          }),
          timeseries({
            title: 'Role by pod',
            description: 'Which pod is primary, over time',
            unit: 'short',
            queries: [{ expr: 'max by (pod, role) (converge_agent_role) == 1', legend: '{{pod}} {{role}}' }],
          }),
          timeseries({
            title: 'Replication lag',
            description: 'Bytes each standby is behind the primary (alert past 64 MiB for 5 m)',
            unit: 'bytes',
            queries: [{ expr: 'max by (standby) (converge_agent_replication_lag_bytes)', legend: '{{standby}}' }],
          }),
          timeseries({
            title: 'Failovers and switchovers',
            description: 'Primary changes by kind',
            unit: 'short',
            queries: [{ expr: 'sum by (kind) (increase(converge_operator_failovers_total[$__rate_interval]))', legend: '{{kind}}' }],
          }),
          timeseries({
            title: 'Seconds to promote',
            description: 'First failed check of the primary to a replica promoted, p50 and max bucket p99',
            unit: 's',
            queries: [
              { expr: 'histogram_quantile(0.5, sum by (le, kind) (rate(converge_operator_promote_seconds_bucket[1h])))', legend: 'p50 {{kind}}' },
              { expr: 'histogram_quantile(0.99, sum by (le, kind) (rate(converge_operator_promote_seconds_bucket[1h])))', legend: 'p99 {{kind}}' },
            ],
          }),
        ],
      },
      {
        title: 'Redis',
        panels: [
          timeseries({
            title: 'Redis master changes',
            description: 'Master changes the operator followed, by how it knew (sentinels, topology, bootstrap)',
            unit: 'short',
            queries: [{ expr: 'sum by (source) (increase(converge_operator_redis_master_changes_total[$__rate_interval]))', legend: '{{source}}' }],
          }),
          timeseries({
            title: 'Operator reconciles',
            description: 'Reconcile passes by kind and result',
            unit: 'reqps',
            queries: [
              { expr: 'sum by (result) (rate(converge_operator_reconciles_total[$__rate_interval]))', legend: 'postgres {{result}}' },
              { expr: 'sum by (result) (rate(converge_operator_redis_reconciles_total[$__rate_interval]))', legend: 'redis {{result}}' },
            ],
          }),
        ],
      },
      {
        title: 'Pools',
        panels: [
          timeseries({
            title: 'PostgreSQL pool clients in use',
            description: 'Clients checked out, by service and pool',
            unit: 'short',
            queries: [{ expr: 'sum by (service, pool) (db_pool_clients{state="in_use"})', legend: '{{service}} {{pool}}' }],
          }),
          timeseries({
            title: 'Queries waiting for a client',
            description: 'Queries queued for a pool client: above 0 for long, the pool is saturated (DATABASE_POOL_SIZE)',
            unit: 'short',
            queries: [{ expr: 'sum by (service, pool) (db_pool_clients{state="waiting"})', legend: '{{service}} {{pool}}' }],
          }),
        ],
      },
    ],
  });
}
