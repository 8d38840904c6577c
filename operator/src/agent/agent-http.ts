// The agent's HTTP server (protocol.ts): probes and /metrics open, /status and the orders behind the
// shared token.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@converge/runtime';
import type { Agent } from './agent';
import { OrderConflict, type OrderBody } from './agent';
import type { AgentMetrics } from './agent-metrics';
import type { OrderName } from './protocol';

const ORDERS: ReadonlySet<string> = new Set<OrderName>(['bootstrap', 'clone', 'start-primary', 'promote', 'fence', 'rejoin']);
const MAX_BODY = 16 * 1024;

/** Constant-time comparison of `Bearer <token>` (digests first: equal lengths, nothing learned from timing). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m?.[1]) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<OrderBody> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new OrderConflict('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      try {
        const v: unknown = JSON.parse(text);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
        resolve(v as OrderBody);
      } catch {
        reject(new OrderConflict('the body is not a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

export interface AgentHttpDeps {
  agent: Agent;
  metrics: AgentMetrics;
  token: string;
  log: Logger;
  /** True once SIGTERM arrived: readiness fails at once. */
  draining: () => boolean;
}

export function createAgentServer(deps: AgentHttpDeps): Server {
  const { agent, metrics, token, log } = deps;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    if (method === 'GET' && path === '/readyz') {
      const ok = !deps.draining() && (await agent.ready().catch(() => false));
      return send(res, ok ? 200 : 503, { status: ok ? 'ok' : 'error' });
    }
    if (method === 'GET' && path === '/metrics') {
      const { status, lags } = await agent.statusWithLags();
      metrics.update(status, lags);
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      return res.end(text);
    }
    const isOrder = method === 'POST' && ORDERS.has(path.slice(1));
    if (!(method === 'GET' && path === '/status') && !isOrder) return send(res, 404, { error: 'not found' });
    if (!tokenMatches(req.headers.authorization, token)) return send(res, 401, { error: 'unauthorized' });
    if (!isOrder) return send(res, 200, await agent.status());
    const name = path.slice(1) as OrderName;
    try {
      const body = await readBody(req);
      log.info({ order: name }, 'Order received');
      return send(res, 200, await agent.order(name, body));
    } catch (e) {
      if (e instanceof OrderConflict) return send(res, 409, { error: e.message });
      throw e;
    }
  };
  return createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.error({ err: e, path: req.url }, 'Request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
}
