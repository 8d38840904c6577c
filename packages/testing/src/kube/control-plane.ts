import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO, ensureTools } from './tools';

/**
 * A real kube-apiserver with etcd, controller-manager, scheduler and kwok fake nodes, on loopback
 * (hack/kube/up.sh). `stop()` ends every process by PID and removes the temp dir.
 */
export class ControlPlane {
  readonly kubeconfig: string;
  private constructor(
    readonly dir: string,
    private readonly kubectlBin: string,
  ) {
    this.kubeconfig = join(dir, 'kubeconfig');
  }

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
    const pidsFile = join(this.dir, 'pids');
    const pids = existsSync(pidsFile)
      ? readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map((l) => Number(l.split(' ')[1]))
      : [];
    spawnSync('bash', [join(REPO, 'hack', 'kube', 'down.sh'), this.dir], { stdio: 'inherit', timeout: 30_000 });
    rmSync(this.dir, { recursive: true, force: true });
    const alive = pids.filter(isRunning);
    if (alive.length > 0) throw new Error(`control plane processes still running: ${alive.join(', ')}`);
  }

  /** kubectl against this cluster; throws with kubectl's stderr on failure. */
  kubectl(args: string[], input?: string): string {
    const r = spawnSync(this.kubectlBin, ['--kubeconfig', this.kubeconfig, '--request-timeout=30s', ...args], {
      encoding: 'utf8',
      input,
      timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr || r.error}`);
    return r.stdout;
  }

  /** Server-side apply with strict field validation (unknown or duplicate fields fail). */
  apply(objects: unknown[] | string, namespace?: string): string {
    const text = typeof objects === 'string' ? objects : objects.map((o) => stringify(o)).join('---\n');
    const file = join(this.dir, `apply-${Date.now()}.yaml`);
    writeFileSync(file, text);
    return this.kubectl([
      'apply', '--server-side', '--field-manager=converge-test', '--validate=strict',
      ...(namespace ? ['-n', namespace] : []), '-f', file,
    ]);
  }

  getJson(args: string[]): any {
    return JSON.parse(this.kubectl(['get', ...args, '-o', 'json']));
  }

  /** Polls `check` until it returns true; fails with the last reason after `timeoutMs`. */
  async waitFor(what: string, timeoutMs: number, check: () => true | string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        const r = check();
        if (r === true) return;
        last = r;
      } catch (e) {
        last = String(e);
      }
      if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms (${last})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** True while the process exists and is not a zombie (exited, waiting for init to reap it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
