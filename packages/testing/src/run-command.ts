import { spawn, type SpawnOptions } from 'node:child_process';

/** Runs a one-shot command to completion (bounded, SIGKILL at the deadline), with its output on failure. */
export function runCommand(command: string, args: string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<void> {
  const { timeoutMs = 120_000, ...spawnOpts } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}): ${out.slice(-2000)}`));
    });
  });
}
