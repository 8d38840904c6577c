import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../kube/tools';
import type { ImageEntry } from './image-index';

export type DockerResult = { status: number; stdout: string; stderr: string };

/**
 * The harness's own dockerd (hack/images/dockerd.sh): its persistent data root under
 * ~/.cache/converge/docker (so images built there are present), bridge cvgdock0, socket in a temp
 * dir. `stop()` removes its containers, networks and bridge and throws if anything stays behind.
 */
export class Dockerd {
  readonly host: string;
  private stopped = false;
  private constructor(readonly dir: string) {
    this.host = `unix://${join(dir, 'docker.sock')}`;
  }

  /** Waits (bounded, in dockerd.sh) for another harness dockerd on the same data root to stop. */
  static start(): Dockerd {
    // Short: unix socket paths under it must stay below 108 bytes.
    const d = new Dockerd(mkdtempSync('/tmp/cvg-dockerd-'));
    const r = spawnSync('bash', [join(REPO, 'hack', 'images', 'dockerd.sh'), 'start', d.dir], {
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 20 * 60 * 1000,
    });
    if (r.status !== 0) {
      d.stop();
      throw new Error(`hack/images/dockerd.sh start failed (${r.signal ?? r.status})`);
    }
    return d;
  }

  /** The environment a docker or docker-compose child needs to talk to this dockerd. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: this.host, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0' };
  }

  /** Runs the docker CLI against this dockerd; throws with its stderr unless `allowFail`. */
  docker(args: string[], opts: { timeoutMs?: number; allowFail?: boolean; input?: string } = {}): DockerResult {
    const r = spawnSync('docker', args, { env: this.env, encoding: 'utf8', input: opts.input, timeout: opts.timeoutMs ?? 120_000 });
    const res = { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
    if (res.status !== 0 && !opts.allowFail) throw new Error(`docker ${args.join(' ')} failed (${r.signal ?? r.status}): ${res.stderr.slice(-2000)}`);
    return res;
  }

  /** Makes sure each image is in this dockerd (its data root may have been wiped since the build). */
  load(entries: ImageEntry[]): void {
    for (const e of entries) {
      if (this.docker(['image', 'inspect', e.id], { allowFail: true }).status === 0) continue;
      this.docker(['load', '-i', e.tar], { timeoutMs: 10 * 60 * 1000 });
      // The tag comes with the tarball; a tarball of another build would carry another id.
      const id = this.docker(['image', 'inspect', '-f', '{{.Id}}', e.ref]).stdout.trim();
      if (id !== e.id) throw new Error(`${e.tar} loaded ${e.ref} as ${id}, index.json says ${e.id}`);
    }
  }

  /** Stops dockerd and its containerd by PID; throws when an interface, mount or process remains. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const r = spawnSync('bash', [join(REPO, 'hack', 'images', 'dockerd.sh'), 'stop', this.dir], {
      encoding: 'utf8',
      timeout: 5 * 60 * 1000,
    });
    process.stderr.write(r.stderr ?? '');
    if (r.status !== 0) throw new Error(`dockerd left things behind (${this.dir} kept): ${(r.stderr ?? String(r.error)).trim().split('\n').at(-1)}`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
