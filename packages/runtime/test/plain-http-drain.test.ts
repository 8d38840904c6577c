// The core without any framework: a plain node:http server with the request observer, the probes and
// the graceful drain, as the web server and the coming operator and agent use them.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { HealthRegistry, probeMiddleware } from '../src/health';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { requestObserver } from '../src/request-observer';
import { installGracefulShutdown } from '../src/shutdown';

test('plain http: in-flight requests finish, readiness fails at once, close hooks run in order past a failing one', async () => {
  const lines: string[] = [];
  const logger = createLogger(
    'plain',
    'info',
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  const metrics = createMetrics('plain');
  const registry = new HealthRegistry();
  const observe = requestObserver(logger, metrics);
  const probes = probeMiddleware(registry);
  let slowStarted!: () => void;
  const started = new Promise<void>((r) => (slowStarted = r));
  const server = createServer((req, res) =>
    observe(req, res, () =>
      probes(req, res, () => {
        slowStarted();
        setTimeout(() => res.end('done'), 300);
      }),
    ),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const order: string[] = [];
  let exitCode: number | undefined;
  let readinessDuringDrain: boolean | undefined;
  const shutdown = installGracefulShutdown({
    server,
    logger,
    timeoutMs: 5000,
    handleSignals: false,
    onDrainStart: () => {
      registry.draining = true;
    },
    closeConnections: [{ name: 'sockets', run: () => void order.push('sockets') }],
    closeResources: [
      {
        name: 'workers',
        run: async () => {
          order.push('workers');
          readinessDuringDrain = (await registry.readiness()).status === 'ok';
          throw new Error('worker would not stop');
        },
      },
      { name: 'pools', run: () => void order.push('pools') },
    ],
    exit: (code) => {
      exitCode = code;
    },
  });

  const slow = fetch(`${base}/work`).then(async (r) => [r.status, await r.text()] as const);
  await started;
  await shutdown.drain('test');
  assert.deepEqual(await slow, [200, 'done'], 'the request in flight finished');
  assert.deepEqual(order, ['sockets', 'workers', 'pools']);
  assert.equal(readinessDuringDrain, false);
  assert.equal(exitCode, 0);
  await assert.rejects(fetch(`${base}/readyz`), 'the listener is closed');
  const log = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(log.some((l) => l.msg === 'Shutdown hook failed' && l.hook === 'workers'));
  assert.ok(log.some((l) => l.msg === 'Request' && l.route === 'unmatched' && l.status === 200));
  assert.match(await metrics.registry.metrics(), /http_request_duration_seconds_count\{[^}]*route="unmatched"[^}]*\} 1/);
});
