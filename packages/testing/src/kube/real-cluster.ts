import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeClient, isRunning, recordedPids } from './kube-client';
import { REPO, ensureTools } from './tools';

/** The node's fixed address (bridge cvgkube0): node IP, kubelet, CoreDNS and the apiserver. */
export const NODE_IP = '10.246.0.1';
export const NODE_NAME = 'converge-node';

/**
 * A real one-node Kubernetes (hack/kube/cluster-up.sh): the control plane on 10.246.0.1, containerd
 * with the CRI plugin and the CNI bridge, kubelet, kube-proxy (iptables) and CoreDNS, all host
 * processes. Pods run for real; images come from `importImages` (nothing is ever pulled). One at a
 * time on the machine: cluster-up.sh refuses to start next to another.
 */
export class RealCluster extends KubeClient {
  readonly containerdSocket: string;
  private constructor(
    dir: string,
    kubectlBin: string,
    private readonly helmBin: string,
  ) {
    super(dir, kubectlBin);
    this.containerdSocket = join(dir, 'containerd', 'containerd.sock');
  }

  /**
   * Starts the node (about a minute warm; the first run also builds the pause image). State goes to
   * `dir` when given (`make cluster`: .dev/cluster, kept until `make cluster-down`), else a temp dir.
   */
  static start(dir?: string): RealCluster {
    const tools = ensureTools(
      'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl', 'kubelet', 'kube-proxy',
      'coredns', 'helm',
    );
    if (dir) mkdirSync(dir, { recursive: true });
    const stateDir = dir ? resolve(dir) : mkdtempSync(join(tmpdir(), 'converge-node-'));
    const cluster = new RealCluster(stateDir, tools.kubectl, tools.helm);
    try {
      execFileSync('bash', [join(REPO, 'hack', 'kube', 'cluster-up.sh'), stateDir], {
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 8 * 60_000,
      });
    } catch (e) {
      try {
        cluster.stop();
      } catch (stopError) {
        throw new Error(`${String(e)}\nand then: ${String(stopError)}`);
      }
      throw e;
    }
    return cluster;
  }

  /** Loads `docker save` / OCI archives into the node's containerd (namespace k8s.io, where the kubelet looks). */
  importImages(tarPaths: readonly string[]): void {
    for (const tar of tarPaths) this.ctr(['images', 'import', tar], 10 * 60_000);
  }

  /** ctr against the node's containerd in the kubelet's namespace (SIGKILL a container, list images). */
  ctr(args: string[], timeoutMs = 60_000): string {
    return run('ctr', ['--address', this.containerdSocket, '-n', 'k8s.io', ...args], timeoutMs);
  }

  /** helm with this cluster's kubeconfig; throws with helm's stderr on failure. */
  helm(args: string[], timeoutMs = 10 * 60_000): string {
    return run(this.helmBin, ['--kubeconfig', this.kubeconfig, ...args], timeoutMs);
  }

  /**
   * Removes the node (hack/kube/cluster-down.sh) and throws if a process it started, an interface,
   * route, iptables chain, mount, cgroup or changed sysctl remains. The temp dir is removed only
   * when nothing is mounted below it any more.
   */
  stop(): void {
    const pids = [...recordedPids(join(this.dir, 'pids')), ...recordedPids(join(this.dir, 'node-pids'))];
    const r = spawnSync('bash', [join(REPO, 'hack', 'kube', 'cluster-down.sh'), this.dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'pipe'],
      timeout: 5 * 60_000,
    });
    process.stderr.write(r.stderr ?? '');
    const alive = pids.filter(isRunning);
    const problems = [
      ...(r.status === 0 ? [] : [`cluster-down.sh exited ${r.status ?? r.signal}: ${r.stderr}`]),
      ...(alive.length > 0 ? [`processes still running: ${alive.join(', ')}`] : []),
    ];
    if (problems.length > 0) throw new Error(`real node not fully removed (dir ${this.dir} kept):\n${problems.join('\n')}`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function run(bin: string, args: string[], timeoutMs: number): string {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}
