import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { Agent, get } from 'node:http';
import { waitFor } from '@converge/testing';

function request(url: string, { dispatcher }: { dispatcher: Agent }): Promise<{ statusCode: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: dispatcher }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('SIGTERM during 50 in-flight requests: all 50 complete, then the process exits 0', async () => {
  const child = fork(join(__dirname, 'fixture-service.js'), [], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '10000' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let logs = '';
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', () => reject(new Error(`fixture exited early: ${logs}`)));
  });
  // Keep-alive connections, as a load balancer would hold them.
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const inFlight = Array.from({ length: 50 }, () =>
    request(`${url}/slow?ms=2000`, { dispatcher: agent }).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body) as unknown })),
  );
  // SIGTERM once the app has all 50 (a request still in the kernel's accept queue is not in flight yet).
  await waitFor('50 requests in flight', async () => ((await (await fetch(`${url}/slow/started`)).json()) as { started: number }).started === 50);
  child.kill('SIGTERM');
  const results = await Promise.all(inFlight);
  assert.equal(results.filter((r) => r.status === 200).length, 50);
  assert.equal(await exit, 0);
  agent.destroy();
  assert.match(logs, /"msg":"Shutdown complete"/);
});

test('after SIGTERM, readiness fails at once and new connections are refused', async () => {
  const child = fork(join(__dirname, 'fixture-service.js'), [], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '10000' },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  const agent = new Agent({ keepAlive: true });
  const slow = request(`${url}/slow?ms=1500`, { dispatcher: agent });
  await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  // The listener is closed: a fresh connection cannot be made.
  await assert.rejects(fetch(`${url}/readyz`));
  assert.equal((await slow).statusCode, 200);
  assert.equal(await exit, 0);
  agent.destroy();
});
