// GraphQL exposure of the chat service, against real processes: query limits over HTTP and
// graphql-ws, one body cap for every content type, introspection only when configured, CORS only
// for listed origins, and graphql-ws connections that live no longer than their token or session.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  aliasBomb,
  call,
  deepQuery,
  INTROSPECTION_QUERY,
  postRaw,
  preflight,
  waitFor,
} from '@converge/testing';
import { type ChatProcess, type Cluster, rest, startCluster, startUserService, user, type User, type UserServiceProcess } from './harness';

const ALLOWED = 'https://chat.example.com';
let c: Cluster;
let a: ChatProcess;
let b: ChatProcess;
let alice: User;
let roomId: string;
const clients: Client[] = [];
before(async () => {
  c = await startCluster({ MAX_GRAPHQL_WS_PER_USER: '3' });
  [a, b] = await Promise.all([c.spawn({ CORS_ORIGINS: ALLOWED }), c.spawn({ GRAPHQL_INTROSPECTION: 'true' })]);
  alice = await user(c.issuer);
  roomId = (await rest(a.url, 'POST', '/rooms', alice.token, { name: 'hardening', memberIds: [] })).body.id;
});
after(async () => {
  await Promise.all(clients.map((x) => x.dispose()));
  await c.close();
});

type Errors = { errors?: { message: string; extensions?: { code?: string } }[]; data?: unknown };

async function gql(base: string, query: string, token = alice.token, headers: Record<string, string> = {}) {
  const r = await postRaw(`${base}/graphql`, 'application/json', JSON.stringify({ query }), { authorization: `Bearer ${token}`, ...headers });
  return { ...r, body: JSON.parse(r.text) as Errors };
}

interface WsHandle {
  client: Client;
  /** The close event's code and when it came, once the server closed the connection. */
  closed: () => { code: number; reason: string; at: number } | undefined;
  /** Sends a raw graphql-ws message on the open socket (a ping with a fresh token). */
  send: (msg: unknown) => void;
}

function ws(base: string, token: string): WsHandle {
  let socket: WebSocket | undefined;
  let closed: { code: number; reason: string; at: number } | undefined;
  const client = createClient({
    url: `${base.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      connected: (s) => void (socket = s as WebSocket),
      closed: (e) => void (closed ??= { code: (e as CloseEvent).code, reason: String((e as CloseEvent).reason), at: Date.now() }),
    },
  });
  clients.push(client);
  return { client, closed: () => closed, send: (m) => socket?.send(JSON.stringify(m)) };
}

function subscribe(client: Client, query: string) {
  const got: Errors[] = [];
  let ended: unknown;
  client.subscribe({ query }, { next: (v) => void got.push(v as Errors), error: (e) => void (ended = e ?? 'error'), complete: () => void (ended ??= 'complete') });
  return { got, ended: () => ended };
}

const MESSAGE_ADDED = (r: string) => `subscription { messageAdded(roomId: "${r}") { seq body } }`;

/** Waits until the subscription delivers a message sent after it started (it is live). */
async function live(sub: { got: Errors[] }, base: string, token: string, room: string): Promise<void> {
  let n = 0;
  await waitFor('the subscription is live', async () => {
    await rest(base, 'POST', `/rooms/${room}/messages`, token, { body: `warm-up ${++n}`, clientMsgId: `w-${randomBytes(4).toString('hex')}` });
    await new Promise((r) => setTimeout(r, 100));
    return sub.got.length > 0;
  });
}

test('an alias bomb (20,000 aliases) and a 30-deep query are refused with a 400 GraphQL error', async () => {
  for (const query of [aliasBomb(20_000), aliasBomb(50), deepQuery('rooms', 30)]) {
    const r = await gql(a.url, query);
    assert.equal(r.status, 400, r.text.slice(0, 300));
    assert.equal(r.body.data, undefined);
    assert.equal(r.body.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
  }
  assert.match((await gql(a.url, aliasBomb(20_000))).text, /token limit/i);
  assert.match((await gql(a.url, aliasBomb(50))).text, /aliases limit/i);
  assert.match((await gql(a.url, deepQuery('rooms', 30))).text, /depth limit/i);
  assert.equal((await gql(a.url, '{ rooms { id } }')).status, 200);
});

test('over graphql-ws the same limits and the introspection ban hold', async () => {
  const h = ws(a.url, alice.token);
  for (const [query, why] of [
    [aliasBomb(50), /aliases limit/i],
    [deepQuery('rooms', 30), /depth limit/i],
    [INTROSPECTION_QUERY, /introspection/i],
  ] as const) {
    const sub = subscribe(h.client, query);
    await waitFor('refused', () => sub.ended() !== undefined || sub.got.length > 0);
    assert.match(JSON.stringify(sub.ended() ?? sub.got), why);
  }
});

test('a 2 MB body gets 413 whatever its content type, application/graphql included', async () => {
  const big = `{ __typename ${' '.repeat(2 * 1024 * 1024)} }`;
  for (const type of ['application/graphql', 'application/json', 'text/plain']) {
    const r = await postRaw(`${a.url}/graphql`, type, type === 'application/json' ? JSON.stringify({ query: big }) : big);
    assert.equal(r.status, 413, `${type}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(JSON.parse(r.text).error.code, 'PAYLOAD_TOO_LARGE');
  }
  const ok = await postRaw(`${a.url}/graphql`, 'application/graphql', '{ __typename }');
  assert.equal(ok.status, 200, ok.text);
});

test('CORS: an unknown Origin gets no Access-Control-Allow-Origin, a configured one does', async () => {
  for (const path of ['/graphql', '/rooms']) {
    const bad = await preflight(a.url + path, 'https://evil.example');
    assert.equal(bad.headers.get('access-control-allow-origin'), null, path);
    assert.equal(bad.headers.get('access-control-allow-credentials'), null, path);
    const good = await preflight(a.url + path, ALLOWED);
    assert.equal(good.headers.get('access-control-allow-origin'), ALLOWED, path);
  }
  assert.equal((await gql(a.url, '{ __typename }', alice.token, { origin: 'https://evil.example' })).headers.get('access-control-allow-origin'), null);
  assert.equal((await preflight(`${b.url}/graphql`, ALLOWED)).headers.get('access-control-allow-origin'), null, 'no CORS_ORIGINS: none');
});

test('introspection is refused by default and answered with GRAPHQL_INTROSPECTION=true', async () => {
  const off = await gql(a.url, INTROSPECTION_QUERY);
  assert.equal(off.status, 400, off.text);
  assert.match(off.text, /introspection/i);
  const on = await gql(b.url, INTROSPECTION_QUERY);
  assert.equal(on.status, 200, on.text);
  assert.equal((on.body.data as { __schema: { queryType: { name: string } } }).__schema.queryType.name, 'Query');
});

test('a messageAdded subscription is closed within a second of its access token expiring', async () => {
  const token = await c.issuer.token(alice.id, 3);
  const exp = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp as number;
  const h = ws(b.url, token);
  const sub = subscribe(h.client, MESSAGE_ADDED(roomId));
  await live(sub, a.url, alice.token, roomId);
  await waitFor('closed', () => h.closed() !== undefined, 10_000);
  const closed = h.closed()!;
  assert.equal(closed.code, 4401, closed.reason);
  assert.ok(closed.at - exp * 1000 < 1000, `closed ${closed.at - exp * 1000} ms after expiry`);
});

test('a ping carrying a fresh token keeps the subscription past the first token', async () => {
  const token = await c.issuer.token(alice.id, 2);
  const h = ws(a.url, token);
  const sub = subscribe(h.client, MESSAGE_ADDED(roomId));
  await live(sub, a.url, alice.token, roomId);
  h.send({ type: 'ping', payload: { token: await c.issuer.token(alice.id, 900) } });
  await new Promise((r) => setTimeout(r, 3500));
  assert.equal(h.closed(), undefined, 'still open after the first token expired');
  const before = sub.got.length;
  await rest(a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'after refresh', clientMsgId: 'after-refresh' });
  await waitFor('still delivered', () => sub.got.length > before);
  // A ping with another user's token ends the connection.
  h.send({ type: 'ping', payload: { token: (await user(c.issuer)).token } });
  await waitFor('closed', () => h.closed() !== undefined);
  assert.equal(h.closed()?.code, 4401);
});

test('graphql-ws connections are capped per user over every pod (MAX_GRAPHQL_WS_PER_USER)', async () => {
  const bob = await user(c.issuer);
  const open = [ws(a.url, bob.token), ws(b.url, bob.token), ws(a.url, bob.token)];
  for (const h of open) {
    const sub = subscribe(h.client, '{ rooms { id } }');
    await waitFor('served', () => sub.got.length > 0);
  }
  const extra = ws(b.url, bob.token);
  await waitFor('refused', () => extra.closed() !== undefined);
  assert.equal(extra.closed()?.code, 4429);
  assert.match(extra.closed()?.reason ?? '', /RATE_LIMITED/);
  // Another user is served meanwhile, and a closed connection frees its slot.
  const other = subscribe(ws(b.url, (await user(c.issuer)).token).client, '{ rooms { id } }');
  await waitFor('the other user served', () => other.got.length > 0);
  await open[0]!.client.dispose();
  await waitFor('a slot came free', async () => {
    const again = ws(b.url, bob.token);
    const sub = subscribe(again.client, '{ rooms { id } }');
    await waitFor('answered', () => sub.got.length > 0 || again.closed() !== undefined);
    return sub.got.length > 0;
  });
});

test('logout in the user service closes that session’s subscription within a second (both services)', async () => {
  let userSvc: UserServiceProcess | undefined;
  let chat: ChatProcess;
  try {
    userSvc = await startUserService(c);
    chat = await c.spawn({ JWKS_URL: userSvc.jwksUrl });
    const username = `carol${randomBytes(3).toString('hex')}`;
    const credentials = { username, password: 'correct horse battery' };
    const reg = await call(userSvc.url, 'POST', '/auth/register', credentials);
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const carol = reg.body as { accessToken: string; refreshToken: string };
    const room = (await rest(chat.url, 'POST', '/rooms', carol.accessToken, { name: 'logout', memberIds: [] })).body.id as string;
    // Two sessions of one user: logging one out leaves the other's subscription open.
    const second = (await call(userSvc.url, 'POST', '/auth/login', credentials)).body as { accessToken: string };
    const h = ws(chat.url, carol.accessToken);
    const keep = ws(chat.url, second.accessToken);
    const sub = subscribe(h.client, MESSAGE_ADDED(room));
    const kept = subscribe(keep.client, MESSAGE_ADDED(room));
    await live(sub, chat.url, carol.accessToken, room);
    await live(kept, chat.url, carol.accessToken, room);

    assert.equal((await call(userSvc.url, 'POST', '/auth/logout', { refreshToken: carol.refreshToken })).status, 204);
    const loggedOut = Date.now();
    await waitFor('closed', () => h.closed() !== undefined, 5000);
    assert.equal(h.closed()?.code, 4403, h.closed()?.reason);
    assert.ok(h.closed()!.at - loggedOut < 1000, `closed ${h.closed()!.at - loggedOut} ms after the logout`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(keep.closed(), undefined, 'the other session stays');
    // The revoked session's still-valid access token cannot open a new connection.
    const again = ws(chat.url, carol.accessToken);
    await waitFor('refused', () => again.closed() !== undefined);
    assert.equal(again.closed()?.code, 4403);
  } finally {
    // The chat pod is the cluster's: it stops with it.
    await userSvc?.stop();
  }
});
