// The two parts this workspace builds on: the real node (RealCluster in @converge/testing/kube) and the
// image builds (ensureImages in @converge/testing/images). Written against their interfaces while the
// parts land in main in parallel; loaded at run time so this file compiles without them.
// TODO(issue 12 merge): import RealCluster and ensureImages directly once both are in main.

/** What the e2e tests use of RealCluster (hack/kube/cluster-up.sh on 10.246.0.1). */
export interface NodeCluster {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly containerdSocket: string;
  kubectl(args: string[], input?: string, timeoutMs?: number): string;
  apply(objects: unknown[] | string, namespace?: string): string;
  getJson(args: string[]): any;
  waitFor(what: string, timeoutMs: number, check: () => true | string): Promise<void>;
  importImages(tarPaths: readonly string[]): void;
  ctr(args: string[], timeoutMs?: number): string;
  helm(args: string[], timeoutMs?: number): string;
  stop(): void;
}

/** One image of ~/.cache/converge/images/index.json. */
export interface ImageEntry {
  ref: string;
  id: string;
  tar: string;
}

export const IMAGES = ['postgres', 'redis', 'nats', 'user', 'chat', 'web'] as const;
export type ImageName = (typeof IMAGES)[number];

function load(module: string, member: string): any {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- until the part lands in main (see above)
  const m = require(module) as Record<string, unknown>;
  if (!m[member]) throw new Error(`${module} has no ${member} yet: its part of issue 12 is not merged`);
  return m[member];
}

export function startNode(): NodeCluster {
  return (load('@converge/testing/kube', 'RealCluster') as { start(): NodeCluster }).start();
}

/** Builds (or finds in the cache) the images; the entries of index.json. */
export function ensureImages(names: readonly ImageName[] = IMAGES): Record<ImageName, ImageEntry> {
  return (load('@converge/testing/images', 'ensureImages') as (n: readonly ImageName[]) => Record<ImageName, ImageEntry>)(names);
}
