import { GROUP, PLURAL, names } from '@converge/operator';

// The operator's permissions: exactly the API calls operator/src makes (kube/client.ts, the
// informers in controller/controller.ts, controller/leader-election.ts), in its own namespace only.
// A Role, not a ClusterRole: the operator watches one namespace (WATCH_NAMESPACE) and the CRD is
// installed by the chart, not by the operator.

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/**
 * The Role's rules for an operator that runs the PostgresCluster `cluster` and leads through the
 * Lease `lease`. Server-side apply (Services, ConfigMap, PDB) needs `patch`, and `create` the first
 * time (the API server checks create when an apply would make the object). No `list` or `watch` on
 * Secrets: the operator reads one Secret by name, so a stolen token cannot enumerate the others.
 */
export function operatorRules(cluster: string, lease: string): PolicyRule[] {
  const n = names(cluster);
  return [
    // The informer (list + watch) and parseCluster; the status is a merge patch of the subresource.
    { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['patch'] },
    // Owner references with blockOwnerDeletion need this where OwnerReferencesPermissionEnforcement is on.
    { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
    // Instance pods: informer, create once, delete (scale down, a failed pod), role label by merge patch.
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'create', 'delete', 'patch'] },
    // Instance claims: listed by the cluster label, created once, deleted on scale down.
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['list', 'create', 'delete'] },
    { apiGroups: [''], resources: ['services', 'configmaps'], verbs: ['create', 'patch'] },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['create', 'patch'] },
    // Generated credentials: created if absent (a 409 means they exist); only the agent token is read.
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [n.agent] },
    // Events on the cluster (failovers, switchovers, refused orders).
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    // Leader election: the Lease is created once (create cannot be limited by name), then read and renewed.
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: [lease] },
  ];
}
