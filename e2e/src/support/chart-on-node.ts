// The chart on the real node, for one test file: the node started, the images imported (built or from
// the cache), the namespace, Secrets, NATS volumes and stand-in PostgreSQL and Redis applied, then
// `helm install` with hack/kube/values-node.yaml, and a wait until every Deployment and StatefulSet has
// all replicas Ready through their real probes. `stop()` removes the node and throws on leftovers.
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '@converge/testing/kube';
import { ensureImages, IMAGES, type ImageEntry, type ImageName, type NodeCluster, startNode } from './cluster';
import { type PodInfo, podsOf, workloadsNotReady } from './kube-state';
import {
  buildPrerequisites,
  type Credentials,
  NAMESPACE,
  NATS_UID,
  natsVolumeDir,
  newCredentials,
  readNodeValues,
  RELEASE,
  VALUES_FILE,
} from './release-prereqs';
import { CLUSTER_READY_MS } from './timeouts';

export const CHART_DIR = join(REPO, 'charts', 'converge');
export const PORTS = { user: 3000, chat: 3002, web: 3001 } as const;
export const METRICS_PORT = 9464;

export interface ChartOnNode {
  cluster: NodeCluster;
  credentials: Credentials;
  /** The images the pods run (index.json entries), by name. */
  images: Record<ImageName, ImageEntry>;
  /** http://<ClusterIP>:<port> of each Service, reached from the host through kube-proxy. */
  urls: { user: string; chat: string; web: string };
  /** kubectl -n converge … */
  kubectl(args: string[], timeoutMs?: number): string;
  /** helm … -n converge (upgrade with extra --set flags, for instance). */
  helm(args: string[], timeoutMs?: number): string;
  /** The pods of one component (user, chat, web, nats), with their IPs and readiness. */
  pods(component: string): PodInfo[];
  /** Until every Deployment and StatefulSet has all its replicas updated and Ready. */
  waitAllReady(timeoutMs: number): Promise<void>;
  stop(): void;
}

const log = (msg: string) => console.log(`# chart-on-node: ${msg}`);

export interface ChartOnNodeOptions {
  /** Where the node keeps its state (a temp dir by default; `make cluster` keeps .dev/cluster). */
  dir?: string;
  /** More values files after hack/kube/values-node.yaml (the operator-mode overlay, for instance). */
  valuesFiles?: string[];
  /** More images to import (the operator's). */
  images?: readonly ImageName[];
  /** More objects to apply before `helm install` (volumes the release will claim), given the node's state dir. */
  prerequisites?: (nodeDir: string) => unknown[];
  /** false when the values put PostgreSQL under the operator. @default true */
  standinPostgres?: boolean;
  /** false when the values put Redis under the operator. @default true */
  standinRedis?: boolean;
  /**
   * Install with these values files alone (not values-node.yaml and its stand-ins), after applying
   * these prerequisites: the chart's defaults test.
   */
  standalone?: { valuesFiles: string[]; prerequisites: (nodeDir: string, credentials: Credentials) => unknown[] };
}

export async function startChartOnNode(o: ChartOnNodeOptions = {}): Promise<ChartOnNode> {
  const t0 = Date.now();
  const elapsed = () => `+${Math.round((Date.now() - t0) / 1000)}s`;
  const images = ensureImages([...IMAGES, ...(o.images ?? [])]);
  log(`images ready ${elapsed()}`);
  const cluster = startNode(o.dir);
  log(`node up ${elapsed()}`);
  const kubectl = (args: string[], timeoutMs?: number) => cluster.kubectl(['-n', NAMESPACE, ...args], undefined, timeoutMs);
  const handle: ChartOnNode = {
    cluster,
    credentials: newCredentials(),
    images,
    urls: { user: '', chat: '', web: '' },
    kubectl,
    helm: (args, timeoutMs) => cluster.helm([...args, '-n', NAMESPACE], timeoutMs),
    pods: (component) => podsOf(cluster.getJson(['-n', NAMESPACE, 'pods', '-l', `app.kubernetes.io/component=${component}`])),
    waitAllReady: (timeoutMs) => waitAllReady(cluster, timeoutMs),
    stop: () => cluster.stop(),
  };
  try {
    cluster.importImages(Object.values(images).map((e) => e.tar));
    log(`images imported into the node's containerd ${elapsed()}`);
    if (o.standalone) cluster.apply(o.standalone.prerequisites(cluster.dir, handle.credentials));
    else applyNodePrerequisites(cluster, handle.credentials, images, o);
    if (o.prerequisites) cluster.apply(o.prerequisites(cluster.dir));
    // helm waits for nothing: the wait below reports what is not Ready yet, with the reason.
    const files = (o.standalone ? o.standalone.valuesFiles : [VALUES_FILE, ...(o.valuesFiles ?? [])]).flatMap((f) => ['-f', f]);
    cluster.helm(['install', RELEASE, CHART_DIR, '-n', NAMESPACE, ...files], 5 * 60_000);
    log(`helm install done ${elapsed()}`);
    await waitAllReady(cluster, CLUSTER_READY_MS - (Date.now() - t0));
    log(`every Deployment and StatefulSet Ready ${elapsed()}`);
    for (const c of ['user', 'chat', 'web'] as const) {
      const ip = cluster.getJson(['-n', NAMESPACE, 'service', `${RELEASE}-${c}`]).spec.clusterIP as string;
      handle.urls[c] = `http://${ip}:${PORTS[c]}`;
    }
  } catch (e) {
    try {
      log(`start failed; pods:\n${cluster.kubectl(['get', 'pods', '-A', '-o', 'wide'])}`);
      // The last lines of every container that is not ready: what a person would look at first.
      for (const p of podsOf(cluster.getJson(['-n', NAMESPACE, 'pods']))) {
        for (const k of p.containers.filter((x) => !x.ready && x.name !== 'migrate')) {
          const tail = cluster.kubectl(['-n', NAMESPACE, 'logs', p.name, '-c', k.name, '--tail=15'], undefined, 20_000);
          log(`${p.name}/${k.name} (not ready), last lines:\n${tail}`);
        }
      }
    } catch {}
    handle.stop();
    throw e;
  }
  return handle;
}

/** values-node.yaml's prerequisites: namespace, Secrets, NATS volumes, the stand-ins the options keep. */
function applyNodePrerequisites(cluster: NodeCluster, credentials: Credentials, images: Record<ImageName, ImageEntry>, o: ChartOnNodeOptions): void {
  const values = readNodeValues();
  // hostPath volumes keep the owner they are made with (the kubelet re-owns only managed volumes).
  const natsHostDir = join(cluster.dir, 'nats-volumes');
  for (let i = 0; i < values.nats.replicas; i++) {
    const d = natsVolumeDir(natsHostDir, i);
    mkdirSync(d, { recursive: true, mode: 0o750 });
    chownSync(d, NATS_UID, NATS_UID);
  }
  cluster.apply(
    buildPrerequisites({
      values,
      credentials,
      natsHostDir,
      images: { postgres: images.postgres.ref, redis: images.redis.ref },
      ...(o.standinPostgres === undefined ? {} : { standinPostgres: o.standinPostgres }),
      ...(o.standinRedis === undefined ? {} : { standinRedis: o.standinRedis }),
    }),
  );
}

async function waitAllReady(cluster: NodeCluster, timeoutMs: number): Promise<void> {
  let lastReport = 0;
  await cluster.waitFor('every Deployment and StatefulSet Ready', Math.max(timeoutMs, 60_000), () => {
    const pending = workloadsNotReady(
      cluster.getJson(['-n', NAMESPACE, 'deployments']),
      cluster.getJson(['-n', NAMESPACE, 'statefulsets']),
      cluster.getJson(['-n', NAMESPACE, 'pods']),
    );
    if (pending.length === 0) return true;
    // A progress line every 20 s names what is still waiting and why (image, probe, crash loop).
    if (Date.now() - lastReport > 20_000) {
      lastReport = Date.now();
      log(`waiting for ${pending.join('; ')}`);
    }
    return pending.join('; ');
  });
}
