import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

// Compiled to packages/testing/dist/src/kube: the repository root is five levels up.
export const REPO = resolve(__dirname, '..', '..', '..', '..', '..');
/** Where hack/tools/install.sh puts the pinned Go-built tools. */
export const TOOLS_BIN = join(process.env.CONVERGE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'converge'), 'bin');

export type Tool =
  | 'helm' | 'kwok' | 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'skaffold'
  | 'kube-score' | 'kubelet' | 'kube-proxy' | 'coredns';

/**
 * Makes sure the pinned tools exist (hack/tools/install.sh: seconds when cached, a long Go build on a
 * cold machine, so the timeout is generous) and returns the path of each.
 */
export function ensureTools<T extends Tool>(...tools: T[]): Record<T, string> {
  execFileSync('bash', [join(REPO, 'hack', 'tools', 'install.sh'), ...tools], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 60 * 60 * 1000,
  });
  return Object.fromEntries(tools.map((t) => [t, join(TOOLS_BIN, t)])) as Record<T, string>;
}
