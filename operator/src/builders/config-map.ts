import type { PostgresCluster } from '../api/postgres-cluster';
import { clusterLabels, names } from './names';
import { ownedMeta } from './owner';

/** The `synchronous_standby_names` a cluster's primary runs with ('' = asynchronous). */
export function synchronousStandbyNames(c: PostgresCluster): string {
  const { instances, synchronous } = c.spec;
  if (instances < 2 || synchronous.mode === 'off') return '';
  return `ANY ${Math.min(synchronous.number, instances - 1)} (*)`;
}

/** What the agent reads at start (CONFIG_FILE): parameters, the synchronous rule and the databases. */
export function agentConfig(c: PostgresCluster) {
  return { parameters: c.spec.parameters ?? {}, synchronous: synchronousStandbyNames(c), databases: c.spec.databases };
}

export function buildConfigMap(c: PostgresCluster): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: ownedMeta(c, names(c.metadata.name).config, clusterLabels(c.metadata.name)),
    data: { 'postgresql.json': `${JSON.stringify(agentConfig(c), null, 2)}\n` },
  };
}
