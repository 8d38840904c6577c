import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../kube/tools';

/** The images hack/images/build.sh builds (the base images first). */
export const IMAGE_NAMES = ['debian', 'node', 'redis', 'nats', 'user', 'chat', 'web', 'operator', 'postgres'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** One entry of ~/.cache/converge/images/index.json: a built image and its `docker save` tarball. */
export type ImageEntry = {
  /** e.g. converge-local/converge-chat:dev */
  ref: string;
  /** The image id (sha256:…), the same in dockerd and after `ctr images import`. */
  id: string;
  /** Absolute path of the `docker save` tarball. */
  tar: string;
  /** Hash of what the image was built from (build.sh rebuilds when it changes). */
  key: string;
};

export const IMAGES_DIR = join(process.env.CONVERGE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'converge'), 'images');

/** The index as build.sh last wrote it (empty when nothing was built yet). */
export function readImageIndex(file = join(IMAGES_DIR, 'index.json')): Partial<Record<ImageName, ImageEntry>> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<ImageName, ImageEntry>>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

/**
 * Builds (or finds cached) the named images, default all, with hack/images/build.sh and returns their
 * index entries. Seconds when cached; a cold build of everything takes minutes (debootstrap, apt, npm
 * ci and the workspace builds inside docker), so the bound is generous. Each image was proven to
 * start read-only as its non-root user before its entry was written.
 */
export function ensureImages<N extends ImageName>(names: readonly N[] = IMAGE_NAMES as unknown as N[]): Record<N, ImageEntry> {
  execFileSync('bash', [join(REPO, 'hack', 'images', 'build.sh'), ...names], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 45 * 60 * 1000,
  });
  const index = readImageIndex();
  const out = {} as Record<N, ImageEntry>;
  for (const n of names) {
    const entry = index[n];
    if (!entry) throw new Error(`hack/images/build.sh finished but index.json has no entry for ${n}`);
    out[n] = entry;
  }
  return out;
}
