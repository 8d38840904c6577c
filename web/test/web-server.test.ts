// The production web server against a stand-in upstream: proxying (HTTP and WebSocket upgrades),
// SPA fallback and caching, security headers, probes, metrics, 503 for a down service, and drain.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@converge/runtime';
import { webConfigSchema } from '../server/config';
import { type RunningWeb, startWebServer } from '../server/web-server';

// Suite-level hooks: they run when the suite's tests are done, not when the event loop empties.
describe('web server', () => {
  let upstream: Server;
  let upstreamUrl: string;
  let web: RunningWeb;
  let dir: string;
  const upstreamSockets = new Set<import('node:stream').Duplex>();

  function listen(server: Server): Promise<string> {
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
    );
  }

  before(async () => {
    upstream = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, xff: req.headers['x-forwarded-for'] ?? null }));
    });
    // A WebSocket-ish upstream: accepts the upgrade and echoes bytes back.
    upstream.on('upgrade', (_req, socket) => {
      upstreamSockets.add(socket);
      socket.on('end', () => socket.end());
      socket.on('close', () => upstreamSockets.delete(socket));
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d) => socket.write(d));
    });
    upstreamUrl = await listen(upstream);

    dir = mkdtempSync(join(tmpdir(), 'converge-web-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'assets', 'app-123.js'), 'console.log(1)');
    const config = webConfigSchema.parse({
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      USER_SERVICE_URL: upstreamUrl,
      CHAT_SERVICE_URL: upstreamUrl,
      STATIC_DIR: dir,
    });
    web = await startWebServer(config, { logger: createLogger('web', 'silent'), handleSignals: false });
  });

  after(async () => {
    await web?.stop().catch(() => undefined);
    for (const s of upstreamSockets) s.destroy();
    upstream?.closeAllConnections();
    upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('API paths are proxied with X-Forwarded-For; query strings kept', async () => {
    for (const path of ['/auth/login', '/users?search=al', '/.well-known/jwks.json', '/rooms/abc/messages?before=5', '/chat/graphql']) {
      const res = await fetch(`${web.url}${path}`, { method: path.startsWith('/auth') ? 'POST' : 'GET' });
      assert.equal(res.status, 200, path);
      const body = (await res.json()) as { url: string; xff: string | null };
      assert.equal(body.url, path);
      assert.equal(body.xff, '127.0.0.1');
    }
  });

  test('pages get the app with security headers; assets are cached; missing files are 404', async () => {
    const page = await fetch(`${web.url}/c/3f1e2d4c-0000-4000-8000-000000000000`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>app<\/title>/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('strict-transport-security'), null, 'no HSTS unless HSTS_MAX_AGE_SECONDS says so');

    const asset = await fetch(`${web.url}/assets/app-123.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${web.url}/assets/missing.js`)).status, 404);
    assert.equal((await fetch(`${web.url}/missing.png`, { headers: { accept: 'image/png' } })).status, 404);
  });

  test('probes on the public port; metrics only on the metrics port', async () => {
    assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${web.url}/readyz`)).status, 200);
    assert.notEqual(new URL(web.metricsUrl).port, new URL(web.url).port);
    for (const accept of ['*/*', 'text/html']) {
      assert.equal((await fetch(`${web.url}/metrics`, { headers: { accept } })).status, 404, `public /metrics (${accept})`);
    }
    const metrics = await (await fetch(`${web.metricsUrl}/metrics`)).text();
    assert.match(metrics, /http_request_duration_seconds_bucket/);
    assert.match(metrics, /web_websocket_tunnels/);
  });

  test('a WebSocket upgrade on /socket.io/ is tunnelled to the chat upstream', async () => {
    const port = Number(new URL(web.url).port);
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    socket.write(
      'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.match(got, /^HTTP\/1.1 101/);
    socket.write('ping-frame');
    await new Promise((r) => setTimeout(r, 100));
    assert.match(got, /ping-frame$/);
    const metrics = await (await fetch(`${web.metricsUrl}/metrics`)).text();
    assert.match(metrics, /web_websocket_tunnels\{service="web"\} 1/);
    socket.destroy();
  });

  test('a service that is down answers 503 UNAVAILABLE in the contract shape', async () => {
    const dead = createServer();
    const deadUrl = await listen(dead);
    await new Promise((r) => dead.close(r));
    const config = webConfigSchema.parse({ HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', CHAT_SERVICE_URL: deadUrl, STATIC_DIR: dir });
    const w = await startWebServer(config, { logger: createLogger('web', 'silent'), handleSignals: false });
    try {
      const res = await fetch(`${w.url}/rooms`);
      assert.equal(res.status, 503);
      assert.deepEqual(((await res.json()) as { error: { code: string } }).error.code, 'UNAVAILABLE');
      // No user service configured: those paths are not ours to answer.
      assert.equal((await fetch(`${w.url}/auth/login`, { method: 'POST' })).status, 404);
    } finally {
      await w.stop();
    }
  });

  test('a drain ends open tunnels and stops the server', async () => {
    const config = webConfigSchema.parse({ HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', CHAT_SERVICE_URL: upstreamUrl, STATIC_DIR: dir });
    const w = await startWebServer(config, { logger: createLogger('web', 'silent'), handleSignals: false });
    const socket = connect(Number(new URL(w.url).port), '127.0.0.1');
    socket.resume(); // read (and drop) what comes, so the end of the stream is seen
    socket.write('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await new Promise((r) => setTimeout(r, 200));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    const t0 = Date.now();
    await w.stop();
    await closed;
    assert.ok(Date.now() - t0 < 3000, 'drained promptly');
    // The upstream half of each tunnel is closed too, not left to the chat service's ping timeout.
    for (let i = 0; i < 40 && upstreamSockets.size > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(upstreamSockets.size, 0, 'upstream connections closed');
    await assert.rejects(fetch(`${w.url}/healthz`));
  });
});
