// The chat SLO series move when a user does something: two pods on one Redis, a sender on one and a
// receiver on the other, scraped on each pod's METRICS_PORT (the series are in docs/METRICS.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { type ChatProcess, connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

/** One sample of `/metrics`: the value of the series with exactly these labels (besides `service`), or 0. */
async function sample(p: ChatProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${p.metricsUrl}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    delete got.service;
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

async function graphql(p: ChatProcess, token: string, query: string) {
  const r = await fetch(`${p.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await r.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

let alice: User;
let bob: User;
let roomId: string;

test('a send on one pod: acked and counted there, delivered and timed (remote) on the other, sockets per pod', async () => {
  const { a, b } = pods;
  alice = await user(pods.c.issuer);
  bob = await user(pods.c.issuer);
  roomId = (await rest(a.url, 'POST', '/rooms', alice.token, { name: 'slo', memberIds: [bob.id] })).body.id as string;
  const sa = await connect(a.url, alice.token);
  const sb = await connect(b.url, bob.token);
  try {
    const got: Message[] = [];
    sb.on('message:new', (m: Message) => got.push(m));
    const before = await sample(b, 'chat_delivery_seconds_count', { path: 'remote' });
    const ack = await emit(sa, 'message:send', { roomId, body: 'hello', clientMsgId: 'slo-1' });
    assert.equal(ack.ok, true);
    await waitFor('bob got the message', () => got.length === 1, 5000);

    assert.equal(await sample(a, 'chat_messages_sent_total', { result: 'created', transport: 'socket' }), 1);
    assert.equal(await sample(a, 'chat_socket_acks_total', { event: 'message:send', result: 'ok' }), 1);
    assert.equal(await sample(a, 'chat_send_ack_seconds_count', { result: 'ok' }), 1);
    // Bob's pod wrote it to his socket and timed it from Alice's commit on the other pod.
    await waitFor('remote delivery timed on pod b', async () => (await sample(b, 'chat_delivery_seconds_count', { path: 'remote' })) === before + 1, 5000);
    assert.equal(await sample(b, 'chat_fanout_deliveries_total'), 1);
    const seconds = await sample(b, 'chat_delivery_seconds_sum', { path: 'remote' });
    assert.ok(seconds >= 0 && seconds < 5, `delivery took ${seconds}s`);
    // Alice's own socket got it on her pod: local.
    await waitFor('local delivery timed on pod a', async () => (await sample(a, 'chat_delivery_seconds_count', { path: 'local' })) === 1, 5000);
    assert.equal(await sample(a, 'chat_sockets_connected'), 1);
    assert.equal(await sample(b, 'chat_sockets_connected'), 1);
  } finally {
    sa.close();
    sb.close();
  }
  await waitFor('sockets closed', async () => (await sample(a, 'chat_sockets_connected')) === 0, 5000);
});

test('room:sync counts the call and the messages it returned (what real time missed)', async () => {
  const sb = await connect(pods.b.url, bob.token);
  try {
    await rest(pods.a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'while away', clientMsgId: 'slo-2' });
    const page = await emit(sb, 'room:sync', { roomId, afterSeq: 0, limit: 100 });
    assert.equal(page.ok, true);
    assert.equal(page.messages.length, 2);
    assert.equal(await sample(pods.b, 'chat_sync_requests_total', { transport: 'socket' }), 1);
    assert.equal(await sample(pods.b, 'chat_sync_messages_total', { transport: 'socket' }), 2);
    assert.equal(await sample(pods.a, 'chat_messages_sent_total', { result: 'created', transport: 'http' }), 1);
  } finally {
    sb.close();
  }
});

test('refusals are counted by transport and code: socket ack, socket handshake, HTTP', async () => {
  const sa = await connect(pods.a.url, alice.token);
  try {
    const ack = await emit(sa, 'message:send', { roomId: '00000000-0000-4000-8000-000000000000', body: 'x', clientMsgId: 'slo-3' });
    assert.equal(ack.error?.code, 'NOT_FOUND');
    assert.equal(await sample(pods.a, 'converge_requests_rejected_total', { transport: 'socket', code: 'NOT_FOUND' }), 1);
    assert.equal(await sample(pods.a, 'chat_socket_acks_total', { event: 'message:send', result: 'NOT_FOUND' }), 1);
    assert.equal(await sample(pods.a, 'chat_messages_sent_total', { result: 'NOT_FOUND', transport: 'socket' }), 1);
  } finally {
    sa.close();
  }
  await assert.rejects(connect(pods.a.url, 'not-a-token'));
  assert.equal(await sample(pods.a, 'converge_requests_rejected_total', { transport: 'socket', code: 'UNAUTHENTICATED' }), 1);
  assert.equal((await rest(pods.a.url, 'GET', '/rooms', 'not-a-token')).status, 401);
  await waitFor('HTTP 401 counted', async () => (await sample(pods.a, 'converge_requests_rejected_total', { transport: 'http', code: 'UNAUTHENTICATED' })) === 1, 2000);
});

test('GraphQL operations are counted by root field and outcome, never by the client operation name', async () => {
  const ok = await graphql(pods.a, alice.token, 'query MyVeryOwnName { rooms { id } }');
  assert.equal(ok.errors, undefined);
  const refused = await graphql(pods.a, 'not-a-token', '{ rooms { id } }');
  assert.equal(refused.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  const invalid = await graphql(pods.a, alice.token, '{ noSuchField }');
  assert.equal(invalid.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
  assert.equal(await sample(pods.a, 'converge_graphql_operations_total', { type: 'query', field: 'rooms', outcome: 'ok' }), 1);
  assert.equal(await sample(pods.a, 'converge_graphql_operations_total', { type: 'query', field: 'rooms', outcome: 'UNAUTHENTICATED' }), 1);
  assert.equal(await sample(pods.a, 'converge_graphql_operations_total', { type: 'query', field: 'invalid', outcome: 'VALIDATION_FAILED' }), 1);
  assert.equal(await sample(pods.a, 'converge_requests_rejected_total', { transport: 'graphql', code: 'UNAUTHENTICATED' }), 1);
  const text = await (await fetch(`${pods.a.metricsUrl}/metrics`)).text();
  assert.doesNotMatch(text, /MyVeryOwnName/);
});

test('pool, outbox and JetStream consumer gauges report at scrape time', async () => {
  const { a } = pods;
  assert.ok((await sample(a, 'db_pool_clients', { pool: 'serving', state: 'idle' })) + (await sample(a, 'db_pool_clients', { pool: 'serving', state: 'in_use' })) >= 1);
  assert.equal(await sample(a, 'db_pool_clients', { pool: 'serving', state: 'waiting' }), 0);
  // Every event of the sends above reached NATS: nothing waits in the outbox.
  await waitFor('outbox drained', async () => (await sample(a, 'outbox_pending_events')) === 0, 10_000);
  const text = await (await fetch(`${a.metricsUrl}/metrics`)).text();
  assert.match(text, /^outbox_lag_seconds\{[^}]*\} 0$/m);
  assert.match(text, /^chat_redis_adapter_errors_total\{op="publish"[^}]*\} 0$/m, 'exported at 0 before any error');
  assert.match(text, /^jetstream_consumer_pending\{[^}]*stream="USERS",consumer="chat",state="pending"[^}]*\} 0$/m);
});

test('Redis down: the adapter publishes a send cannot make are counted as adapter errors', async () => {
  const { a } = pods;
  await pods.c.redis.kill();
  try {
    await waitFor('Redis client error counted', async () => (await sample(a, 'chat_redis_adapter_errors_total', { op: 'client' })) > 0, 10_000);
    // The send is stored and acked; its fan-out publish fails fast and is counted.
    const r = await rest(a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'no redis', clientMsgId: 'slo-4' });
    assert.equal(r.status, 201);
    await waitFor('dropped publish counted', async () => (await sample(a, 'chat_redis_adapter_errors_total', { op: 'publish' })) >= 1, 5000);
  } finally {
    await pods.c.redis.restart();
  }
});
