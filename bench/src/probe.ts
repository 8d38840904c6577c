// Preloaded (`node --expose-gc --require .../probe.js`) into every measured server process, the bare
// Socket.IO ceiling and the chat service alike, so both are measured the same way without touching
// their code: GET /mem collects garbage twice and answers process.memoryUsage(); POST /profile/start
// and /profile/stop?file=... take a CPU profile of a chosen window (not the whole life, like --cpu-prof).
import { writeFileSync } from 'node:fs';

const port = Number(process.env.BENCH_PROBE_PORT ?? 0);

if (port > 0) {
  // Started after the main module has loaded, so the app's own instrumentation (OpenTelemetry patches
  // http when it is first required) sees the modules as it would without the probe.
  setImmediate(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const http = require('node:http') as typeof import('node:http');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Session } = require('node:inspector') as typeof import('node:inspector');
    let session: import('node:inspector').Session | undefined;
    const post = (method: string, params?: object) =>
      new Promise<unknown>((resolve, reject) =>
        session?.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
      );
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://probe');
      const reply = (code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      void (async () => {
        if (url.pathname === '/mem') {
          const gc = (globalThis as { gc?: () => void }).gc;
          if (url.searchParams.get('gc') !== '0' && gc) {
            gc();
            gc();
          }
          return reply(200, { ...process.memoryUsage(), gc: Boolean(gc) });
        }
        if (url.pathname === '/profile/start') {
          session = new Session();
          session.connect();
          await post('Profiler.enable');
          await post('Profiler.setSamplingInterval', { interval: 200 });
          await post('Profiler.start');
          return reply(200, { ok: true });
        }
        if (url.pathname === '/profile/stop') {
          const { profile } = (await post('Profiler.stop')) as { profile: unknown };
          session?.disconnect();
          session = undefined;
          const file = url.searchParams.get('file');
          if (file) writeFileSync(file, JSON.stringify(profile));
          return reply(200, { ok: true, file });
        }
        reply(404, { error: 'unknown probe path' });
      })().catch((e: unknown) => reply(500, { error: String(e) }));
    });
    server.listen(port, '127.0.0.1');
    server.unref();
  });
}
