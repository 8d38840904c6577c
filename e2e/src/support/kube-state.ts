// Readings of `kubectl get -o json` the e2e tests decide on, as pure functions: which pods a component
// has (IP, readiness, containers), and which Deployments or StatefulSets are not yet fully rolled out
// and Ready, with the reason a person would look for (waiting image, failing probe, crash loop).

export interface ContainerInfo {
  name: string;
  ready: boolean;
  restartCount: number;
  /** containerd://<id> */
  containerID: string;
  /** Why it is not running, e.g. CrashLoopBackOff, ErrImageNeverPull; empty when running. */
  waitingReason: string;
}

export interface PodInfo {
  name: string;
  ip: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
  /** The ReplicaSet's pod-template-hash label (a rollout changes it); empty for StatefulSet pods. */
  templateHash: string;
  containers: ContainerInfo[];
}

export function podsOf(list: { items?: any[] }): PodInfo[] {
  return (list.items ?? []).map((p) => ({
    name: p.metadata.name,
    ip: p.status?.podIP ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready: (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    deleting: Boolean(p.metadata.deletionTimestamp),
    templateHash: p.metadata.labels?.['pod-template-hash'] ?? '',
    containers: [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].map((c: any) => ({
      name: c.name,
      ready: Boolean(c.ready),
      restartCount: c.restartCount ?? 0,
      containerID: c.containerID ?? '',
      waitingReason: c.state?.waiting?.reason ?? (c.state?.terminated && !c.ready ? `terminated:${c.state.terminated.reason}` : ''),
    })),
  }));
}

/** Ready pods of a component that are not being deleted. */
export const readyPods = (pods: PodInfo[]): PodInfo[] => pods.filter((p) => p.ready && !p.deleting);

function rolloutGap(kind: string, o: any): string | undefined {
  const want = o.spec?.replicas ?? 1;
  const s = o.status ?? {};
  const name = `${kind}/${o.metadata.name}`;
  if ((s.observedGeneration ?? 0) < (o.metadata.generation ?? 0)) return `${name}: change not observed yet`;
  const ready = s.readyReplicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  if (ready < want || updated < want || total > want) return `${name}: ${ready}/${want} ready, ${updated} updated, ${total} total`;
  if (kind === 'statefulset' && s.currentRevision !== undefined && s.updateRevision !== undefined && s.currentRevision !== s.updateRevision) {
    return `${name}: revision ${s.currentRevision} → ${s.updateRevision}`;
  }
  return undefined;
}

/**
 * What is not fully rolled out and Ready yet: one line per Deployment or StatefulSet, followed by its
 * pods' unready containers. Empty when everything is Ready.
 */
export function workloadsNotReady(deployments: { items?: any[] }, statefulsets: { items?: any[] }, pods: { items?: any[] }): string[] {
  const info = podsOf(pods);
  const out: string[] = [];
  for (const [kind, list] of [['deployment', deployments], ['statefulset', statefulsets]] as const) {
    for (const o of list.items ?? []) {
      const gap = rolloutGap(kind, o);
      if (!gap) continue;
      const mine = info.filter((p) => p.name.startsWith(`${o.metadata.name}-`) && !p.ready);
      const why = mine.map((p) => {
        const c = p.containers.filter((x) => !x.ready).map((x) => `${x.name}${x.waitingReason ? ` ${x.waitingReason}` : ''}${x.restartCount ? ` restarts=${x.restartCount}` : ''}`);
        return `${p.name} ${p.phase}${c.length ? ` (${c.join(', ')})` : ''}`;
      });
      out.push(why.length ? `${gap} [${why.join('; ')}]` : gap);
    }
  }
  return out;
}
