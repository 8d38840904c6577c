// Every dashboard panel's and every rule's PromQL, through a real Prometheus scraping a running stack
// (user + two chat pods) after some traffic: each parses, names only series that exist (those of the
// operator and its PostgreSQL agents excepted: no operator runs here), and the core panels have data.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { call, waitFor } from '@converge/testing';
import { DASHBOARDS, dashboardQueries } from '../src/dashboards';
import { seriesNames } from '../src/promql-names';
import { loadRules } from '../src/rules';
import { type LiveStack, startStack } from './live-stack';
import { type PrometheusServer, startPrometheus } from './prometheus-server';

/** Series only an operator-run data layer exports (the operator and its PostgreSQL agents). */
const OPERATOR_SERIES = /^converge_(operator|agent)_/;

let stack: LiveStack;
let prom: PrometheusServer;
const sockets: Socket[] = [];

async function register(base: string, name: string): Promise<{ id: string; token: string }> {
  const r = await call(base, 'POST', '/auth/register', { username: name, password: 'correct horse battery staple' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.user.id, token: r.body.accessToken };
}

function connect(base: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(base, { path: '/socket.io/', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

before(async () => {
  stack = await startStack();
  const [a, b] = stack.chats;
  prom = await startPrometheus([
    { job: 'user', address: new URL(stack.user.metricsUrl).host },
    { job: 'chat', address: new URL(a.metricsUrl).host },
    { job: 'chat', address: new URL(b.metricsUrl).host },
    { job: 'web', address: new URL(stack.web.metricsUrl).host },
  ]);
  // Traffic: two users on different pods in one room, sends both ways, a catch-up, some refusals.
  const suffix = Math.random().toString(36).slice(2, 8);
  const alice = await register(stack.user.url, `alice_${suffix}`);
  const bob = await register(stack.user.url, `bob_${suffix}`);
  const room = await call(a.url, 'POST', '/rooms', { name: 'live', memberIds: [bob.id] }, alice.token);
  assert.equal(room.status, 201);
  const sa = await connect(a.url, alice.token);
  const sb = await connect(b.url, bob.token);
  sockets.push(sa, sb);
  let delivered = 0;
  sb.on('message:new', () => delivered++);
  for (let i = 0; i < 20; i++) {
    const ack = (await sa.timeout(5000).emitWithAck('message:send', { roomId: room.body.id, body: `m${i}`, clientMsgId: `live-${i}` })) as { ok: boolean };
    assert.equal(ack.ok, true);
  }
  await waitFor('deliveries', () => delivered === 20, 10_000);
  await sb.timeout(5000).emitWithAck('room:sync', { roomId: room.body.id, afterSeq: 0, limit: 100 });
  await sa.timeout(5000).emitWithAck('message:send', { roomId: '00000000-0000-4000-8000-000000000000', body: 'x', clientMsgId: 'nope' });
  assert.equal((await call(a.url, 'GET', '/rooms', undefined, 'not-a-token')).status, 401);
  assert.equal((await call(b.url, 'POST', '/graphql', { query: '{ rooms { id } }' }, bob.token)).status, 200);
  // The web tier: the client's page and a request it proxies to the user service.
  assert.equal((await fetch(`${stack.web.url}/`)).status, 200);
  await fetch(`${stack.web.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  // Two scrapes of every target after the traffic, so rate() over them has two samples.
  await waitFor('scraped', async () => (await prom.query('sum(chat_messages_sent_total)')).result.length > 0, 20_000);
  await new Promise((r) => setTimeout(r, 3000));
});

after(async () => {
  for (const s of sockets) s.close();
  await prom?.stop();
  await stack?.stop();
});

/** Panel queries use Grafana's rate interval; here the scrapes are 1 s apart and a minute old at most. */
const instant = (expr: string) => expr.replaceAll('$__rate_interval', '1m');

const everyExpr = () => [
  ...DASHBOARDS.flatMap((d) => dashboardQueries(d.build()).map((q) => ({ where: `${d.file} / ${q.panel}`, expr: instant(q.expr) }))),
  ...loadRules().map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
];

test('every panel and rule expression parses and evaluates on a real Prometheus', async () => {
  const refused: string[] = [];
  for (const e of everyExpr()) await prom.query(e.expr).catch((err: Error) => refused.push(`${e.where}: ${err.message}`));
  assert.deepEqual(refused, []);
});

test('every series they name exists in the running stack (or is a recorded or an operator series)', async () => {
  const recorded = new Set(loadRules().flatMap((r) => (r.record ? [r.record] : [])));
  const names = new Set(everyExpr().flatMap((e) => seriesNames(e.expr)));
  const missing: string[] = [];
  for (const name of names) {
    if (recorded.has(name) || OPERATOR_SERIES.test(name)) continue;
    const r = await prom.query(`count({__name__="${name}"})`);
    if (r.result.length === 0) missing.push(name);
  }
  assert.deepEqual(missing.sort(), []);
});

test('the core panels (messages/s, latency, sockets, errors) return data', async () => {
  const platform = DASHBOARDS.find((d) => d.file === 'platform.json')!.build();
  const core = ['Sockets connected', 'Messages/s', 'Send ack p99', 'Sockets per pod', 'Messages/s by transport and result', 'Send ack latency', 'Delivery latency (commit to socket)', 'Refused requests by code', 'Requests/s by route'];
  const queries = dashboardQueries(platform);
  const empty: string[] = [];
  for (const title of core) {
    const qs = queries.filter((q) => q.panel === title);
    assert.ok(qs.length > 0, `no panel "${title}"`);
    for (const q of qs) if ((await prom.query(instant(q.expr))).result.length === 0) empty.push(`${title}: ${q.expr}`);
  }
  assert.deepEqual(empty, []);
  // Every process of the stack is scraped, the web tier's requests among the HTTP series.
  const up = (await prom.query('sum by (job) (up)')).result as Array<{ metric: { job: string }; value: [number, string] }>;
  assert.deepEqual(Object.fromEntries(up.map((u) => [u.metric.job, u.value[1]])), { chat: '2', user: '1', web: '1' });
  const services = (await prom.query('count by (service) (http_request_duration_seconds_count)')).result as Array<{ metric: { service: string } }>;
  assert.ok(services.some((s) => s.metric.service === 'web'), `HTTP series by service: ${JSON.stringify(services.map((s) => s.metric.service))}`);
  const sockets = (await prom.query('sum(chat_sockets_connected)')).result as Array<{ value: [number, string] }>;
  assert.equal(sockets[0]?.value[1], '2');
});
