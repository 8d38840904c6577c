import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, startNatsServer, type TestDatabase, type TestServer } from '@converge/testing';
import { baseEnv, writeKey } from './harness';
import { spawnUserService } from './process';

let db: TestDatabase;
let nats: TestServer;
let dir: string;
before(async () => {
  db = await createTestDatabase('user_drain');
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'converge-user-drain-'));
});
after(async () => {
  await nats.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Sent {
  /** Resolves once the whole request is written to the socket. */
  written: Promise<void>;
  status: Promise<number>;
}

function send(url: string, method: string, body: unknown, agent: Agent): Sent {
  let written!: () => void;
  const sent = new Promise<void>((r) => (written = r));
  const status = new Promise<number>((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const req = request(url, { method, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.on('finish', () => written());
    req.end(data);
  });
  return { written: sent, status };
}

test('SIGTERM during 50 in-flight registrations: all 50 complete, then the process exits 0', async () => {
  // Production argon2id cost: 50 hashes on this machine's cores keep the requests in flight for a while.
  const env = { ...baseEnv(db, nats, writeKey(dir)), LOG_LEVEL: 'info', ARGON2_MEMORY_KIB: '19456', ARGON2_TIME_COST: '2' };
  const svc = await spawnUserService(env);
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  // Open the 50 connections first, as clients of a running pod already have them: a request that is
  // still in the kernel's accept queue when the listener closes is not "in flight" (a load balancer
  // stops sending before SIGTERM; that is what readiness turning 503 is for).
  const warm = Array.from({ length: 50 }, () => send(`${svc.url}/healthz`, 'GET', undefined, agent));
  assert.deepEqual(await Promise.all(warm.map((w) => w.status)), Array(50).fill(200));

  const inFlight = Array.from({ length: 50 }, (_, i) =>
    send(`${svc.url}/auth/register`, 'POST', { username: `drain_${i}_${process.pid}`, password: 'password123' }, agent),
  );
  await Promise.all(inFlight.map((r) => r.written));
  await new Promise((r) => setTimeout(r, 50));
  svc.child.kill('SIGTERM');
  const statuses = await Promise.all(inFlight.map((r) => r.status));
  agent.destroy();
  assert.deepEqual(statuses, Array(50).fill(201));
  assert.equal(await svc.exited, 0);

  const lines = svc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const startedAt = lines.findIndex((l) => l.msg === 'Shutdown started');
  assert.ok(startedAt >= 0, 'the drain started');
  const atSigterm = lines[startedAt]?.inFlight as number;
  const doneBefore = lines.slice(0, startedAt).filter((l) => l.msg === 'Request' && l.route === '/auth/register').length;
  assert.ok(atSigterm > 0, 'SIGTERM arrived while registrations were in flight');
  assert.equal(doneBefore + atSigterm, 50, `every registration had arrived: ${doneBefore} done + ${atSigterm} in flight`);
  const doneAfter = lines.slice(startedAt).filter((l) => l.msg === 'Request' && l.route === '/auth/register' && l.status === 201).length;
  assert.equal(doneAfter, atSigterm, 'each in-flight one finished during the drain');
  assert.ok(lines.findIndex((l) => l.msg === 'Shutdown complete') > startedAt);
});
