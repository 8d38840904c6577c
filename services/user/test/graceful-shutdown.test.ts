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

function post(url: string, body: unknown, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

test('SIGTERM during 50 in-flight registrations: all 50 complete, then the process exits 0', async () => {
  const env = { ...baseEnv(db, nats, writeKey(dir)), LOG_LEVEL: 'info', ARGON2_MEMORY_KIB: '19456', ARGON2_TIME_COST: '2' };
  const svc = await spawnUserService(env);
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  // argon2id at production cost on 2 cores keeps these in flight for a while.
  const inFlight = Array.from({ length: 50 }, (_, i) =>
    post(`${svc.url}/auth/register`, { username: `drain_${i}_${process.pid}`, password: 'password123' }, agent),
  );
  await new Promise((r) => setTimeout(r, 150));
  svc.child.kill('SIGTERM');
  const statuses = await Promise.all(inFlight);
  agent.destroy();
  assert.deepEqual(statuses, Array(50).fill(201));
  assert.equal(await svc.exited, 0);
  const log = svc.output();
  const started = log.split('\n').find((l) => l.includes('"msg":"Shutdown started"'));
  assert.ok(started, 'the drain started');
  assert.ok((JSON.parse(started).inFlight as number) > 0, 'SIGTERM arrived while requests were in flight');
  assert.match(log, /"msg":"Shutdown complete"/);
});
