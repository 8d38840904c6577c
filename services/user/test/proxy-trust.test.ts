// X-Forwarded-For names the client only when a trusted proxy sent it. By default only 127.0.0.1/::1
// are trusted, so a client at 127.0.0.2 (another local address: a neighbour on the host, or any pod
// in a private range under the old default) cannot pick its own rate-limit key by sending the header,
// neither straight to the service nor through the web server's proxy. Built processes, as pods run them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, type ServiceProcess, spawnService, startNatsServer, type TestDatabase, type TestServer } from '@converge/testing';
import { baseEnv, uname, writeKey } from './harness';
import { spawnUserService } from './process';

const LIMIT = 3;
let db: TestDatabase;
let nats: TestServer;
let dir: string;
let user: ServiceProcess;
let web: ServiceProcess;
before(async () => {
  db = await createTestDatabase('user_proxy_trust');
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'converge-user-proxy-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>'); // the web server is ready with a build
  // No TRUST_PROXY: the default is what is under test.
  const env = { ...baseEnv(db, nats, writeKey(dir)), REGISTER_MAX_PER_IP: String(LIMIT) };
  user = await spawnUserService(env);
  web = await spawnService({
    name: 'web',
    entry: join(__dirname, '../../../../web/dist-server/main.js'),
    env: { LOG_LEVEL: 'silent', USER_SERVICE_URL: user.url, STATIC_DIR: dir },
  });
});
after(async () => {
  await web?.stop();
  await user?.stop();
  await nats.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

let sent = 0;
/** POST /auth/register from 127.0.0.2 (not 127.0.0.1), with a fresh X-Forwarded-For each time. */
function registerFrom127002(base: string): Promise<number> {
  const body = JSON.stringify({ username: uname('xff'), password: 'correct horse battery' });
  const fakeIp = `203.0.${++sent}.${randomBytes(1)[0]! % 250}`;
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/auth/register`,
      {
        method: 'POST',
        localAddress: '127.0.0.2',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': fakeIp },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

for (const [label, base] of [
  ['direct', () => user.url],
  ['through the web proxy', () => web.url],
] as const) {
  test(`${label}: X-Forwarded-For from a non-loopback peer does not change the registration limit's key`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push(await registerFrom127002(base()));
    // Both cases key on the peer 127.0.0.2, so the second starts where the first left off: all it
    // can show is 429s, and a trusted header would have made every one a 201 (a fresh address each).
    assert.ok(statuses.includes(429), `the limit keyed on 127.0.0.2 must be reached: ${statuses.join(',')}`);
    assert.ok(statuses.filter((s) => s === 201).length <= LIMIT, `at most ${LIMIT} registrations: ${statuses.join(',')}`);
  });
}
