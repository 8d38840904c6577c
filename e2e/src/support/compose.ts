import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitFor } from '@converge/testing';
import type { Dockerd } from '@converge/testing/images';
import { MINUTE } from './timeouts';

// Compiled to e2e/dist/src/support: the repository root is four levels up.
export const REPO = resolve(__dirname, '..', '..', '..', '..');
export const COMPOSE_FILE = join(REPO, 'compose.yaml');
/** The compose.yaml services (two one-shot migrations, then the long-running ones). */
export const LONG_RUNNING = ['postgres', 'redis', 'nats', 'user', 'chat-1', 'chat-2', 'web'] as const;
export const ONE_SHOT = ['user-migrate', 'chat-migrate'] as const;
/** The uid the product images run as (Dockerfile USER, the chart's APP_UID). */
const APP_UID = 10001;

export type ComposeUrls = {
  /** The user service, published on 127.0.0.1. */
  user: string;
  /** chat-1 and chat-2, each published on its own 127.0.0.1 port (the same database, Redis and NATS). */
  chat: [string, string];
  /** The web client, whose server proxies the API paths to user and chat-1. */
  web: string;
};

/** What the stack writes in its .env: fresh passwords, free ports, the signing key's path. */
export function composeEnv(dir: string, ports: { web: number; user: number; chat: number; chat2: number }): Record<string, string> {
  const secret = () => randomBytes(18).toString('hex');
  return {
    POSTGRES_PASSWORD: secret(),
    REDIS_PASSWORD: secret(),
    NATS_PASSWORD: secret(),
    JWT_KEY_FILE: join(dir, 'jwt-key.pem'),
    WEB_PORT: String(ports.web),
    USER_PORT: String(ports.user),
    CHAT_PORT: String(ports.chat),
    CHAT2_PORT: String(ports.chat2),
  };
}

/**
 * compose.yaml brought up with Debian's docker-compose (1.29) against the harness's dockerd, under a
 * project name of its own, with a generated .env (passwords, free loopback ports) and signing key in
 * a temp dir. `down()` runs `down -v` and returns what it left behind (containers, volumes, networks,
 * interfaces): a test asserts the list is empty.
 */
export class ComposeStack {
  private constructor(
    readonly dockerd: Dockerd,
    readonly project: string,
    readonly dir: string,
    readonly urls: ComposeUrls,
  ) {}

  static async up(dockerd: Dockerd, opts: { timeoutMs?: number } = {}): Promise<ComposeStack> {
    const dir = mkdtempSync(join(tmpdir(), 'converge-compose-'));
    const ports = { web: await freePort(), user: await freePort(), chat: await freePort(), chat2: await freePort() };
    const env = composeEnv(dir, ports);
    writeFileSync(join(dir, '.env'), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
    // The key as the user service reads it: PKCS#8 PEM, readable by the image's uid only.
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(env.JWT_KEY_FILE as string, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    if (process.getuid?.() === 0) chownSync(env.JWT_KEY_FILE as string, APP_UID, APP_UID);
    else chmodSync(env.JWT_KEY_FILE as string, 0o644);

    const stack = new ComposeStack(dockerd, `cvg${process.pid}${randomBytes(2).toString('hex')}`, dir, {
      user: `http://127.0.0.1:${ports.user}`,
      chat: [`http://127.0.0.1:${ports.chat}`, `http://127.0.0.1:${ports.chat2}`],
      web: `http://127.0.0.1:${ports.web}`,
    });
    try {
      // up -d waits for the depends_on conditions (migrations done, backends healthy) as it goes.
      await stack.compose(['up', '-d', '--no-build'], opts.timeoutMs ?? 10 * MINUTE);
      await stack.waitHealthy(opts.timeoutMs ?? 5 * MINUTE);
    } catch (e) {
      process.stderr.write(stack.logs());
      stack.down();
      throw e;
    }
    return stack;
  }

  /** docker-compose with this project's file, .env and name; rejects with its output on failure. */
  compose(args: string[], timeoutMs: number): Promise<string> {
    return new Promise((res, rej) => {
      const child = spawn('docker-compose', ['-p', this.project, '-f', COMPOSE_FILE, '--env-file', join(this.dir, '.env'), ...args], {
        env: this.dockerd.env,
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (e) => (clearTimeout(timer), rej(e)));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) res(out);
        else rej(new Error(`docker-compose ${args.join(' ')} failed (${signal ?? code}): ${out.slice(-3000)}`));
      });
    });
  }

  /** Each service's container state: "healthy", "exited 0", "starting", ... */
  states(): Record<string, string> {
    const ids = this.dockerd.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${this.project}`]).stdout.split('\n').filter(Boolean);
    if (ids.length === 0) return {};
    const format = '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}';
    const out: Record<string, string> = {};
    for (const line of this.dockerd.docker(['inspect', '-f', format, ...ids]).stdout.split('\n').filter(Boolean)) {
      const [service, status, code, health] = line.split(' ');
      out[service as string] = status === 'exited' ? `exited ${code}` : health || (status as string);
    }
    return out;
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    let last = '';
    await waitFor(
      'every Compose service healthy and both migrations done',
      () => {
        const s = this.states();
        last = JSON.stringify(s);
        return LONG_RUNNING.every((n) => s[n] === 'healthy') && ONE_SHOT.every((n) => s[n] === 'exited 0');
      },
      timeoutMs,
      1000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last states ${last}`);
    });
  }

  /** The last lines of every service's log (for a failure message). */
  logs(): string {
    const r = spawnSync('docker-compose', ['-p', this.project, '-f', COMPOSE_FILE, '--env-file', join(this.dir, '.env'), 'logs', '--no-color', '--tail=30'], {
      env: this.dockerd.env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`;
  }

  /** `down -v`, then what remains of the project: an empty list when everything went. */
  down(): string[] {
    spawnSync('docker-compose', ['-p', this.project, '-f', COMPOSE_FILE, '--env-file', join(this.dir, '.env'), 'down', '-v', '--remove-orphans', '-t', '30'], {
      env: this.dockerd.env,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 3 * MINUTE,
    });
    rmSync(this.dir, { recursive: true, force: true });
    return this.leftovers();
  }

  leftovers(): string[] {
    const label = `label=com.docker.compose.project=${this.project}`;
    const list = (args: string[]) => this.dockerd.docker(args).stdout.split('\n').filter(Boolean);
    return [
      ...list(['ps', '-aq', '--filter', label]).map((c) => `container ${c}`),
      ...list(['volume', 'ls', '-q', '--filter', label]).map((v) => `volume ${v}`),
      ...list(['network', 'ls', '-q', '--filter', label]).map((n) => `network ${n}`),
      ...composeInterfaces().map((i) => `interface ${i}`),
    ];
  }
}

/** Host interfaces of Compose networks (bridges in dockerd's 10.248.0.0/16 pool) and their veths. */
export function composeInterfaces(): string[] {
  const r = spawnSync('ip', ['-o', 'addr', 'show'], { encoding: 'utf8', timeout: 10_000 });
  const bridges = new Set<string>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^\d+: (\S+)\s+inet 10\.248\./.exec(line);
    if (m) bridges.add(m[1] as string);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  const veths = links
    .split('\n')
    .map((l) => /^\d+: (veth[^@:]+)[^]*master (\S+)/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && bridges.has(m[2] as string))
    .map((m) => m[1] as string);
  return [...bridges, ...veths];
}
