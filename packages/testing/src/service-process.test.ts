import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { portOpen } from './managed-server';
import { call, callAs, callOk } from './rest-client';
import { spawnService } from './service-process';

const dir = mkdtempSync(join(tmpdir(), 'converge-testing-svc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in service: ready at once, logs a line, echoes GREETING, drains on SIGTERM with exit code 3.
const entry = join(dir, 'svc.js');
writeFileSync(
  entry,
  `const http = require('node:http');
   const s = http.createServer((req, res) => {
     if (req.url === '/readyz') return res.end('ok');
     res.setHeader('content-type', 'application/json');
     res.end(JSON.stringify({ greeting: process.env.GREETING, host: process.env.HOST }));
   }).listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'));
   process.on('SIGTERM', () => s.close(() => process.exit(3)));`,
);

test('a spawned service is ready on /readyz, keeps its output, stops with SIGTERM and starts again on its port', async () => {
  const svc = await spawnService({ name: 'stand-in', entry, env: { GREETING: 'hi' } });
  try {
    assert.deepEqual((await call(svc.url, 'GET', '/')).body, { greeting: 'hi', host: '127.0.0.1' });
    assert.match(svc.output(), /listening/);
    const first = svc.child;
    await svc.stop();
    assert.equal(await svc.exited, 3, 'SIGTERM reached the process, which drained');
    assert.equal(svc.running(), false);
    assert.equal(await portOpen(svc.port), false);
    await svc.start();
    assert.notEqual(svc.child, first);
    assert.equal((await call(svc.url, 'GET', '/')).status, 200);
  } finally {
    await svc.stop();
  }
});

test('a service that exits before it is ready fails with its output', async () => {
  const bad = join(dir, 'bad.js');
  writeFileSync(bad, "console.error('no config'); process.exit(1);");
  await assert.rejects(spawnService({ name: 'bad', entry: bad, env: {} }), /bad exited \(1\): no config/);
});

test('callAs refreshes the tokens once on a 401 and replays the call', async () => {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url === '/auth/refresh') {
        assert.deepEqual(JSON.parse(body), { refreshToken: 'r1' });
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accessToken: 'a2', refreshToken: 'r2' }));
      }
      if (req.headers.authorization !== 'Bearer a2') return res.writeHead(401).end('expired');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const session = { accessToken: 'a1', refreshToken: 'r1' };
    assert.deepEqual(await callAs(base, session, 'GET', '/rooms'), { ok: true });
    assert.deepEqual(session, { accessToken: 'a2', refreshToken: 'r2' });
    await assert.rejects(callOk(base, 'GET', '/rooms', undefined, 'nope'), /GET \/rooms → 401 expired/);
  } finally {
    server.close();
  }
});
