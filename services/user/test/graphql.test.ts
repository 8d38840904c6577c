import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { printUserSchema } from '../src/transport/graphql/schema';
import { call, type Harness, register, startHarness, uname } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string, path = '/graphql') {
  const r = await call(h.url, 'POST', path, { query, variables }, token);
  return r.body as { data?: any; errors?: { message: string; extensions: { code: string } }[] };
}

test('the committed schema.graphql matches the resolvers', async () => {
  const committed = readFileSync(join(__dirname, '../../schema.graphql'), 'utf8');
  assert.equal(committed, await printUserSchema(), 'schema.graphql is stale: run `npm run schema -w @converge/user`');
});

test('register, login, me, updateMe, users, refresh and logout over GraphQL behave like REST', async () => {
  const username = uname('gql');
  const reg = await gql(
    'mutation($i: RegisterInput!) { register(input: $i) { user { id username displayName } accessToken refreshToken } }',
    { i: { username, password: 'password123', displayName: 'G' } },
  );
  assert.equal(reg.data.register.user.username, username);
  const login = await gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken } }', {
    u: username,
    p: 'password123',
  });
  const token = login.data.login.accessToken as string;
  const me = await gql('{ me { id username displayName createdAt } }', {}, token, '/user/graphql');
  assert.equal(me.data.me.id, reg.data.register.user.id);
  const upd = await gql('mutation { updateMe(displayName: "Gee") { displayName } }', {}, token);
  assert.equal(upd.data.updateMe.displayName, 'Gee');
  const found = await gql('query($s: String) { users(search: $s, limit: 5) { username } }', { s: username }, token);
  assert.deepEqual(found.data.users, [{ username }]);
  const one = await gql('query($id: ID!) { user(id: $id) { username } }', { id: reg.data.register.user.id }, token);
  assert.equal(one.data.user.username, username);
  const ref = await gql('mutation($r: String!) { refresh(refreshToken: $r) { accessToken refreshToken } }', { r: login.data.login.refreshToken });
  assert.ok(ref.data.refresh.refreshToken);
  const out = await gql('mutation($r: String!) { logout(refreshToken: $r) }', { r: ref.data.refresh.refreshToken });
  assert.equal(out.data.logout, true);
  const del = await gql('mutation { deleteMe }', {}, token);
  assert.equal(del.data.deleteMe, true);
  const metrics = await (await fetch(`${h.metricsUrl}/metrics`)).text();
  assert.match(metrics, /http_request_duration_seconds_count\{[^}]*route="\/graphql"/, 'GraphQL requests are labelled by their path');
  assert.match(metrics, /http_request_duration_seconds_count\{[^}]*route="\/user\/graphql"/);
});

test('GraphQL errors carry the contract codes in extensions.code', async () => {
  const u = await register(h.url);
  const cases: [string, Record<string, unknown>, string | undefined, string][] = [
    ['{ me { id } }', {}, undefined, 'UNAUTHENTICATED'],
    ['{ me { id } }', {}, 'not.a.token', 'UNAUTHENTICATED'],
    ['query($id: ID!) { user(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }, u.accessToken, 'NOT_FOUND'],
    ['mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', { i: { username: u.user.username, password: 'password123' } }, undefined, 'CONFLICT'],
    ['mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', { i: { username: 'x', password: 'p' } }, undefined, 'VALIDATION_FAILED'],
    ['mutation { login(username: "nobody_here", password: "password1") { accessToken } }', {}, undefined, 'UNAUTHENTICATED'],
    ['query { users(limit: 500) { id } }', {}, u.accessToken, 'VALIDATION_FAILED'],
    ['{ nosuchfield }', {}, u.accessToken, 'VALIDATION_FAILED'],
    ['{ me { id ', {}, u.accessToken, 'VALIDATION_FAILED'],
    ['query($id: ID!) { user(id: $id) { id } }', { id: 5.5 }, u.accessToken, 'VALIDATION_FAILED'],
  ];
  for (const [q, v, token, code] of cases) {
    const r = await gql(q, v, token);
    assert.equal(r.errors?.[0]?.extensions.code, code, `${q} -> ${JSON.stringify(r)}`);
  }
});
