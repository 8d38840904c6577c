// Same-origin API paths, routed the way the Ingress routes them, so the SPA only ever calls its own
// origin (no CORS, no service URLs baked into the bundle).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import { ROUTES, routeFor, type Upstream } from '@converge/protocol';
import type { Logger } from '@converge/runtime';

export type { Upstream };
/** The API path prefixes and their upstreams: @converge/protocol's table, the one the Ingress is built from. */
export { ROUTES };

export function upstreamFor(url: string | undefined): Upstream | null {
  return routeFor(url ?? '/')?.upstream ?? null;
}

export interface ApiProxy {
  /** Express-style handler for proxied HTTP requests (call only when upstreamFor matched). */
  web(req: IncomingMessage, res: ServerResponse, upstream: Upstream): void;
  /** For the server's 'upgrade' event: tunnels WebSockets (Socket.IO, graphql-ws) to the upstream. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open WebSocket tunnels (a drain closes them so clients reconnect to another pod). */
  tunnels: Set<Duplex>;
  onError?: (upstream: Upstream) => void;
}

function unavailable(res: ServerResponse, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message } }));
}

export function createApiProxy(targets: Partial<Record<Upstream, string>>, logger: Logger, onError?: (u: Upstream) => void): ApiProxy {
  // xfwd: the services see the browser's address in X-Forwarded-For (their rate limits key on it)
  // and trust it only from loopback/private proxies (TRUST_PROXY).
  const proxy = httpProxy.createProxyServer({ xfwd: true, ws: true, proxyTimeout: 60_000 });
  const tunnels = new Set<Duplex>();

  // http-proxy pipes the two halves of a tunnel but only ends the upstream half on a clean end of the
  // browser's half: a destroyed one (a drain, a reset) would leave the chat connection open until its
  // ping timeout. Tie their lifetimes together both ways.
  proxy.on('proxyReqWs', (proxyReq, _req, socket) => {
    proxyReq.once('upgrade', (_res, proxySocket) => {
      if (socket.destroyed) proxySocket.destroy();
      socket.once('close', () => proxySocket.destroy());
      proxySocket.once('close', () => socket.destroy());
    });
  });

  proxy.on('error', (err, req, resOrSocket) => {
    const upstream = upstreamFor(req.url) ?? 'chat';
    onError?.(upstream);
    logger.warn({ upstream, path: (req.url ?? '').split('?')[0], err: err.message }, 'Upstream unavailable');
    if (resOrSocket && 'writeHead' in resOrSocket) unavailable(resOrSocket as ServerResponse, `The ${upstream} service is unavailable`);
    else (resOrSocket as Duplex | undefined)?.destroy();
  });

  return {
    tunnels,
    web(req, res, upstream) {
      const target = targets[upstream];
      if (!target) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `No ${upstream} service configured` } }));
        return;
      }
      proxy.web(req, res, { target });
    },
    upgrade(req, socket, head) {
      const upstream = upstreamFor(req.url);
      const target = upstream ? targets[upstream] : undefined;
      if (!upstream || !target) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      tunnels.add(socket);
      socket.once('close', () => tunnels.delete(socket));
      socket.on('error', () => socket.destroy());
      proxy.ws(req, socket, head, { target });
    },
  };
}
