import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * kubectl against one cluster's kubeconfig: what the kwok control plane and the real node share.
 * Files it writes (apply manifests) go to `dir`.
 */
export class KubeClient {
  readonly kubeconfig: string;
  protected constructor(
    readonly dir: string,
    protected readonly kubectlBin: string,
  ) {
    this.kubeconfig = join(dir, 'kubeconfig');
  }

  /** kubectl against this cluster; throws with kubectl's stderr on failure. */
  kubectl(args: string[], input?: string, timeoutMs = 60_000): string {
    const r = spawnSync(this.kubectlBin, ['--kubeconfig', this.kubeconfig, '--request-timeout=30s', ...args], {
      encoding: 'utf8',
      input,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
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

  /**
   * kubectl without blocking the event loop: for polls taken while the same process runs clients
   * under load (a blocking call would stall their sockets and show up as a stall of the service).
   */
  kubectlAsync(args: string[], timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.kubectlBin,
        ['--kubeconfig', this.kubeconfig, '--request-timeout=20s', ...args],
        { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error}`)) : resolve(stdout)),
      );
    });
  }

  async getJsonAsync(args: string[]): Promise<any> {
    return JSON.parse(await this.kubectlAsync(['get', ...args, '-o', 'json']));
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
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The PIDs of a "name pid" file written by the hack/kube scripts ([] when it does not exist). */
export function recordedPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => Number(l.split(' ')[1]));
  } catch {
    return [];
  }
}
