import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '@converge/testing/kube';

/** One entry of ~/.cache/converge/images/index.json (written by hack/images/build.sh). */
export interface ImageEntry {
  ref: string;
  id: string;
  tar: string;
}

const INDEX = join(process.env.CONVERGE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'converge'), 'images', 'index.json');

/**
 * The Node 24 base image (converge-local/node:24.22.3): a real server for the node tests. Built by
 * hack/images/build.sh when the cache does not have it yet.
 */
export function nodeImage(): ImageEntry {
  const read = (): ImageEntry | undefined =>
    existsSync(INDEX) ? (JSON.parse(readFileSync(INDEX, 'utf8')) as Record<string, ImageEntry>).node : undefined;
  let entry = read();
  if (!entry || !existsSync(entry.tar)) {
    execFileSync('bash', [join(REPO, 'hack', 'images', 'build.sh'), 'node'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 30 * 60_000 });
    entry = read();
  }
  if (!entry) throw new Error(`hack/images/build.sh node wrote no "node" entry in ${INDEX}`);
  return entry;
}
