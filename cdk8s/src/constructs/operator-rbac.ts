import { GROUP, PLURAL, REDIS_PLURAL, names, redisNames } from '@converge/operator';

// The operator's permissions: exactly the API calls operator/src makes (kube/client.ts, the
// informers in controller/controller.ts, controller/leader-election.ts, controller/reconciler.ts for
// PostgresCluster, redis/controller/reconciler.ts for RedisSentinel), in its own namespace only.
// A Role, not a ClusterRole: the operator watches one namespace (WATCH_NAMESPACE) and the CRDs are
// installed by the chart, not by the operator.

// A type, not an interface: whenItem (a conditional list item) takes it as a plain record.
export type PolicyRule = {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
};

/** The Role's rules in three parts: what the process always needs, and what each kind it runs adds. */
export interface OperatorRules {
  /** Whatever the chart asks it to run: informers, leader election, what both kinds apply. */
  readonly common: PolicyRule[];
  /** With PostgreSQL in operator mode (the PostgresCluster `cluster`). */
  readonly postgres: PolicyRule[];
  /** With Redis in operator mode (the RedisSentinel `redis`). */
  readonly redis: PolicyRule[];
}

/**
 * The Role's rules for an operator that runs the PostgresCluster `cluster` and/or the RedisSentinel
 * `redis` and leads through the Lease `lease`. Server-side apply (Services, ConfigMaps, PDBs,
 * StatefulSets) needs `patch`, and `create` the first time (the API server checks create when an
 * apply would make the object). No `list` or `watch` on Secrets: the operator reads its Secrets by
 * name, so a stolen token cannot enumerate the others. The informers of both kinds run in every
 * operator (controller.ts starts them unconditionally), so both kinds are always listed and watched:
 * without that the operator would log a refused list every few seconds.
 */
export function operatorRules(cluster: string, redis: string, lease: string): OperatorRules {
  const pg = names(cluster);
  const rds = redisNames(redis);
  return {
    common: [
      // The informers (list + watch) of both kinds.
      { apiGroups: [GROUP], resources: [PLURAL, REDIS_PLURAL], verbs: ['get', 'list', 'watch'] },
      // The pod informer (both kinds' pods, by the managed-by label); the role label by merge patch.
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'patch'] },
      { apiGroups: [''], resources: ['services', 'configmaps'], verbs: ['create', 'patch'] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['create', 'patch'] },
      // Generated credentials: created if absent (a 409 means they exist); read only by name below.
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      // Events on the resources (failovers, switchovers, master changes, refused orders).
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      // Leader election: the Lease is created once (create cannot be limited by name), then read and renewed.
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: [lease] },
    ],
    postgres: [
      // The status is a merge patch of the subresource.
      { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['patch'] },
      // Owner references with blockOwnerDeletion need this where OwnerReferencesPermissionEnforcement is on.
      { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
      // Instance pods: created once, deleted on scale down or when failed.
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete'] },
      // Instance claims: listed by the cluster label, created once, deleted on scale down.
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['list', 'create', 'delete'] },
      // The instance agents' token.
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [pg.agent] },
    ],
    redis: [
      { apiGroups: [GROUP], resources: [`${REDIS_PLURAL}/status`], verbs: ['patch'] },
      { apiGroups: [GROUP], resources: [`${REDIS_PLURAL}/finalizers`], verbs: ['update'] },
      // The Redis and Sentinel StatefulSets, by server-side apply; their pods and claims are the
      // StatefulSet controller's, deleted with them by the garbage collector.
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['create', 'patch'] },
      // The password it generated, read back every pass to talk to Redis and the Sentinels.
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [rds.auth] },
    ],
  };
}
