import type { PostgresCluster } from '../api/postgres-cluster';
import { LABEL_CLUSTER, clusterLabels, names } from './names';
import { ownedMeta } from './owner';

/** One instance at a time may be drained; a 1-instance cluster may be drained (nothing to keep). */
export function buildPdb(c: PostgresCluster): Record<string, unknown> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: ownedMeta(c, names(c.metadata.name).pdb, clusterLabels(c.metadata.name)),
    spec: { maxUnavailable: 1, selector: { matchLabels: { [LABEL_CLUSTER]: c.metadata.name } } },
  };
}
