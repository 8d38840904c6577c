// Running PostgreSQL's programs: as the agent's own user in a pod (uid 10232), as the `postgres` OS
// user when the agent runs as root (a developer machine, the tests), since postgres refuses root.
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OsUser {
  uid: number;
  gid: number;
}

/** uid and gid of `name` in /etc/passwd text. */
export function passwdEntry(passwd: string, name: string): OsUser | undefined {
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** Who runs postgres: undefined means this process's own user. */
export function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const u = passwdEntry(readFileSync('/etc/passwd', 'utf8'), 'postgres');
  if (!u) throw new Error('running as root and there is no postgres OS user to run PostgreSQL as');
  return u;
}

export class PgTools {
  constructor(
    readonly bin: string,
    readonly user: OsUser | undefined,
    /** A directory the postgres user may write, the tools' working directory. */
    readonly cwd: string,
  ) {}

  /** A plain environment: nothing of the agent's (no token, no HOME) reaches postgres. */
  private env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' };
  }

  spawn(program: string, args: string[], opts: { detached?: boolean } = {}): ChildProcess {
    return spawn(join(this.bin, program), args, {
      ...(this.user ?? {}),
      cwd: this.cwd,
      env: this.env(),
      detached: opts.detached ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Runs a program to completion; rejects with its exit code and the tail of its output (never its arguments' secrets: none are passed). */
  run(program: string, args: string[], timeoutMs = 600_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(program, args);
      let out = '';
      const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`${program} failed (${signal ?? code}): ${out.slice(-1500).trim()}`));
      });
    });
  }

  /** Writes a file the postgres user owns (atomically: a crash leaves the old or the new one). */
  writeOwned(path: string, content: string, mode = 0o600): void {
    const tmp = join(dirname(path), `.${Date.now()}.${process.pid}.tmp`);
    writeFileSync(tmp, content, { mode });
    if (this.user) chownSync(tmp, this.user.uid, this.user.gid);
    renameSync(tmp, path);
  }

  /** A directory the postgres user owns, mode 700 (what initdb and postgres demand of PGDATA). */
  mkdirOwned(path: string): void {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    if (this.user) chownSync(path, this.user.uid, this.user.gid);
  }
}
