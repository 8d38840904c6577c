// GraphQL exposure of the user service, against real processes: query limits, one body cap for
// every content type, introspection and GraphiQL only when configured, CORS only for listed origins.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  aliasBomb,
  createTestDatabase,
  deepQuery,
  INTROSPECTION_QUERY,
  postRaw,
  preflight,
  startNatsServer,
  type TestDatabase,
  type TestServer,
} from '@converge/testing';
import { baseEnv, writeKey } from './harness';
import { type ServiceProcess, spawnUserService } from './process';

const ALLOWED = 'https://chat.example.com';
let dir: string;
let db: TestDatabase;
let nats: TestServer;
let svc: ServiceProcess;
let dev: ServiceProcess;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'converge-user-gqlh-'));
  db = await createTestDatabase('user_test');
  nats = await startNatsServer();
  const env = baseEnv(db, nats, writeKey(dir));
  [svc, dev] = await Promise.all([spawnUserService({ ...env, CORS_ORIGINS: ALLOWED }), spawnUserService({ ...env, GRAPHIQL: 'true' })]);
});
after(async () => {
  await Promise.all([svc?.stop(10_000), dev?.stop(10_000)]);
  await nats.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

type Errors = { errors?: { message: string; extensions?: { code?: string } }[]; data?: unknown };

async function gql(base: string, query: string, headers: Record<string, string> = {}) {
  const r = await postRaw(`${base}/graphql`, 'application/json', JSON.stringify({ query }), headers);
  return { ...r, body: JSON.parse(r.text) as Errors };
}

test('an alias bomb (20,000 aliases) and a 30-deep query are refused with a 400 GraphQL error', async () => {
  for (const query of [aliasBomb(20_000), aliasBomb(50), deepQuery('me', 30)]) {
    const r = await gql(svc.url, query);
    assert.equal(r.status, 400, r.text.slice(0, 300));
    assert.equal(r.body.data, undefined);
    assert.equal(r.body.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
  }
  assert.match((await gql(svc.url, aliasBomb(20_000))).text, /token limit/i);
  assert.match((await gql(svc.url, aliasBomb(50))).text, /aliases limit/i);
  assert.match((await gql(svc.url, deepQuery('me', 30))).text, /depth limit/i);
  // A normal query still runs.
  assert.equal((await gql(svc.url, '{ __typename }')).status, 200);
});

test('a 2 MB body gets 413 whatever its content type, application/graphql included', async () => {
  const big = `{ __typename ${' '.repeat(2 * 1024 * 1024)} }`;
  for (const type of ['application/graphql', 'application/json', 'text/plain']) {
    const r = await postRaw(`${svc.url}/graphql`, type, type === 'application/json' ? JSON.stringify({ query: big }) : big);
    assert.equal(r.status, 413, `${type}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(JSON.parse(r.text).error.code, 'PAYLOAD_TOO_LARGE');
  }
  // A small application/graphql document is still served.
  const ok = await postRaw(`${svc.url}/graphql`, 'application/graphql', '{ __typename }');
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(JSON.parse(ok.text).data, { __typename: 'Query' });
});

test('CORS: an unknown Origin gets no Access-Control-Allow-Origin, a configured one does', async () => {
  for (const path of ['/graphql', '/auth/login']) {
    const bad = await preflight(svc.url + path, 'https://evil.example');
    assert.equal(bad.headers.get('access-control-allow-origin'), null, path);
    assert.equal(bad.headers.get('access-control-allow-credentials'), null, path);
    const good = await preflight(svc.url + path, ALLOWED);
    assert.equal(good.headers.get('access-control-allow-origin'), ALLOWED, path);
    assert.equal(good.headers.get('access-control-allow-credentials'), 'true', path);
  }
  const post = await gql(svc.url, '{ __typename }', { origin: 'https://evil.example' });
  assert.equal(post.headers.get('access-control-allow-origin'), null);
  // With no CORS_ORIGINS (the default), no origin at all is allowed.
  assert.equal((await preflight(`${dev.url}/graphql`, ALLOWED)).headers.get('access-control-allow-origin'), null);
});

test('introspection is refused by default and answered when GraphiQL (make dev) is on', async () => {
  const off = await gql(svc.url, INTROSPECTION_QUERY);
  assert.equal(off.status, 400, off.text);
  assert.equal(off.body.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
  assert.match(off.text, /introspection/i);
  const on = await gql(dev.url, INTROSPECTION_QUERY);
  assert.equal(on.status, 200, on.text);
  assert.equal((on.body.data as { __schema: { queryType: { name: string } } }).__schema.queryType.name, 'Query');
});

test('a browser GET on /graphql gets GraphiQL only with GRAPHIQL=true', async () => {
  const html = { accept: 'text/html' };
  const page = await fetch(`${dev.url}/graphql`, { headers: html });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await page.text(), /graphiql/i);
  const none = await fetch(`${svc.url}/graphql`, { headers: html });
  assert.doesNotMatch(none.headers.get('content-type') ?? '', /text\/html/);
  await none.text();
});
