import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, isRunning, recordedPids } from './kube-client';
import { REPO, ensureTools } from './tools';

/**
 * A real kube-apiserver with etcd, controller-manager, scheduler and kwok fake nodes, on loopback
 * (hack/kube/up.sh). `stop()` ends every process by PID and removes the temp dir.
 */
export class ControlPlane extends KubeClient {
  static start(): ControlPlane {
    const tools = ensureTools('etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl');
    const dir = mkdtempSync(join(tmpdir(), 'converge-kube-'));
    const cp = new ControlPlane(dir, tools.kubectl);
    try {
      execFileSync('bash', [join(REPO, 'hack', 'kube', 'up.sh'), dir], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 240_000 });
    } catch (e) {
      cp.stop();
      throw e;
    }
    return cp;
  }

  /** Stops every process by PID (hack/kube/down.sh); throws if one survives, so a leak fails the run. */
  stop(): void {
    const pids = recordedPids(join(this.dir, 'pids'));
    spawnSync('bash', [join(REPO, 'hack', 'kube', 'down.sh'), this.dir], { stdio: 'inherit', timeout: 30_000 });
    rmSync(this.dir, { recursive: true, force: true });
    const alive = pids.filter(isRunning);
    if (alive.length > 0) throw new Error(`control plane processes still running: ${alive.join(', ')}`);
  }
}
