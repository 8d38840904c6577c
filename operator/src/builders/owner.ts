import type { PostgresCluster } from '../api/postgres-cluster';

/** The controller owner reference: the garbage collector deletes what it owns with the cluster. */
export function ownerReference(c: PostgresCluster) {
  return {
    apiVersion: c.apiVersion,
    kind: c.kind,
    name: c.metadata.name,
    uid: c.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedMeta(c: PostgresCluster, name: string, labels: Record<string, string>) {
  return { name, namespace: c.metadata.namespace, labels, ownerReferences: [ownerReference(c)] };
}
