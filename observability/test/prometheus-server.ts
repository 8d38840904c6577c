// A real Prometheus (Debian's binary) on a free port and its own temp dir, scraping given targets
// every second with the repository's rule files loaded; stopped by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@converge/testing';
import { RULE_FILES, RULES_DIR } from '../src/rules';

export interface PrometheusServer {
  url: string;
  /** An instant query: the API's `data` (throws with Prometheus's error when the query is refused). */
  query(expr: string): Promise<{ resultType: string; result: unknown[] }>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: Array<{ job: string; address: string }>): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'converge-prometheus-'));
  const port = await freePort();
  const jobs = [...new Set(targets.map((t) => t.job))].map((job) => ({
    job_name: job,
    scrape_interval: '1s',
    static_configs: [{ targets: targets.filter((t) => t.job === job).map((t) => t.address) }],
  }));
  const config = { global: { scrape_interval: '1s', evaluation_interval: '1s' }, rule_files: RULE_FILES.map((f) => join(RULES_DIR, f)), scrape_configs: jobs };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config)); // JSON is YAML
  const proc: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.pid) {
      const gone = new Promise((r) => proc.once('exit', r));
      process.kill(proc.pid, 'SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('prometheus ready', async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, 20_000);
  } catch (e) {
    await stop();
    throw new Error(`prometheus did not start: ${stderr}`, { cause: e });
  }
  return {
    url,
    async query(expr) {
      const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await r.json()) as { status: string; error?: string; data: { resultType: string; result: unknown[] } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data;
    },
    stop,
  };
}
