// The hardened pod and container security settings every workload of the chart uses (restricted
// Pod Security Standard): non-root numeric user, no privilege escalation, no capabilities,
// read-only root file system (writable /tmp comes from an emptyDir), RuntimeDefault seccomp.

export const APP_UID = 10001;

export function podSecurityContext(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Spread replicas over nodes (and zones when nodes carry the label), preferring but not requiring it. */
export function topologySpread(selector: Record<string, string>, rolling: boolean): Record<string, unknown>[] {
  const base = (topologyKey: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
    // Only count pods of the same ReplicaSet, so a rollout is not skewed by the old pods.
    ...(rolling ? { matchLabelKeys: ['pod-template-hash'] } : {}),
  });
  return [base('kubernetes.io/hostname'), base('topology.kubernetes.io/zone')];
}
