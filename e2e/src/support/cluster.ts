// The two parts this workspace builds on, in the few names the e2e tests use: the real node
// (RealCluster in @converge/testing/kube) and the images (ensureImages in @converge/testing/images).
import { type ImageEntry, ensureImages as buildImages } from '@converge/testing/images';
import { RealCluster } from '@converge/testing/kube';

export type { ImageEntry };
export type NodeCluster = RealCluster;

/** The images the chart on the node runs (the base images are only their parents). */
export const IMAGES = ['postgres', 'redis', 'nats', 'user', 'chat', 'web'] as const;
/** The operator's image, imported only by the tests that run it. */
export type ImageName = (typeof IMAGES)[number] | 'operator';

export function startNode(dir?: string): NodeCluster {
  return RealCluster.start(dir);
}

/** Builds (or finds in the cache) the images; the entries of index.json. */
export function ensureImages(names: readonly ImageName[] = IMAGES): Record<ImageName, ImageEntry> {
  return buildImages(names) as Record<ImageName, ImageEntry>;
}
