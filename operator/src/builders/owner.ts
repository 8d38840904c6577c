import type { ObjectMeta } from '../api/postgres-cluster';

/** What an owner reference needs of a custom resource (a PostgresCluster, a RedisSentinel). */
export interface Owner {
  apiVersion: string;
  kind: string;
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'uid'>;
}

/** The controller owner reference: the garbage collector deletes what it owns with the cluster. */
export function ownerReference(c: Owner) {
  return {
    apiVersion: c.apiVersion,
    kind: c.kind,
    name: c.metadata.name,
    uid: c.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedMeta(c: Owner, name: string, labels: Record<string, string>) {
  return { name, namespace: c.metadata.namespace, labels, ownerReferences: [ownerReference(c)] };
}
