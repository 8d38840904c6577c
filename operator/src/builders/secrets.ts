import type { PostgresCluster } from '../api/postgres-cluster';
import { APP_USERNAME, clusterLabels, names } from './names';
import { ownedMeta } from './owner';

/** The generated credentials: created once if absent, never overwritten (a rotation is a later issue). */
export function buildSecrets(c: PostgresCluster, random: () => string): Record<string, unknown>[] {
  const n = names(c.metadata.name);
  const labels = clusterLabels(c.metadata.name);
  const secret = (name: string, data: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: ownedMeta(c, name, labels),
    stringData: data,
  });
  return [
    secret(n.superuser, { username: 'postgres', password: random() }),
    secret(n.replication, { username: 'replicator', password: random() }),
    secret(n.app, { username: APP_USERNAME, password: random() }),
    secret(n.agent, { token: random() }),
  ];
}
