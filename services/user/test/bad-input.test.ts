import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { call, type Harness, register, startHarness } from './harness';

let h: Harness;
let token: string;
let refreshToken: string;
let ownerId: string;
before(async () => {
  h = await startHarness();
  const u = await register(h.url, 'bad_input_owner');
  token = u.accessToken;
  refreshToken = u.refreshToken;
  ownerId = u.user.id;
});
after(async () => {
  await h.close();
});

/** Every stored user and refresh token, for "nothing changed" comparisons. */
async function snapshot(): Promise<string> {
  const db = new Client({ connectionString: h.db.url });
  await db.connect();
  const users = await db.query('SELECT id, username, display_name, password_hash, updated_at FROM users ORDER BY id');
  const tokens = await db.query('SELECT id, used_at, revoked_at FROM refresh_tokens ORDER BY id');
  await db.end();
  return JSON.stringify([users.rows, tokens.rows]);
}

const big = 'x'.repeat(1 << 20);
const sqlish = "'; DROP TABLE users; --";
const sqlish2 = "admin' OR '1'='1";
const emoji65 = '🚀'.repeat(65);
const CODE: Record<number, string> = { 400: 'VALIDATION_FAILED', 401: 'UNAUTHENTICATED', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE' };

type Row = [what: string, body: unknown, status: number, headers?: Record<string, string>];

/** Each endpoint, and input it must refuse with the contract's code (logout of an unknown token is a 204 no-op). */
const cases: { method: string; path: string; auth?: boolean; bodies: Row[] }[] = [
  {
    method: 'POST',
    path: '/auth/register',
    bodies: [
      ['malformed JSON', '{"username": "abc", ', 400],
      ['not an object', '"hello"', 400],
      ['an array', '[1,2,3]', 400],
      ['null', 'null', 400],
      ['form-encoded, not JSON', 'username=abc&password=password123', 400, { 'content-type': 'application/x-www-form-urlencoded' }],
      ['plain text', 'hello', 400, { 'content-type': 'text/plain' }],
      ['wrong types', { username: 42, password: true }, 400],
      ['displayName of the wrong type', { username: 'someone_new', password: 'password123', displayName: ['x'] }, 400],
      ['missing password', { username: 'someone' }, 400],
      ['missing username', { password: 'password123' }, 400],
      ['missing everything', {}, 400],
      ['unknown field', { username: 'someone_new', password: 'password123', isAdmin: true }, 400],
      ['prototype pollution', JSON.parse('{"username":"someone_new","password":"password123","__proto__":{"admin":true}}'), 400],
      ['short username', { username: 'ab', password: 'password123' }, 400],
      ['long username', { username: 'a'.repeat(33), password: 'password123' }, 400],
      ['very long username', { username: 'a'.repeat(10_000), password: 'password123' }, 400],
      ['unicode username', { username: 'zoë', password: 'password123' }, 400],
      ['emoji username', { username: '🚀🚀🚀', password: 'password123' }, 400],
      ['homoglyph username', { username: 'аdmin', password: 'password123' }, 400],
      ['sql-looking username', { username: sqlish, password: 'password123' }, 400],
      ['sql-looking username 2', { username: sqlish2, password: 'password123' }, 400],
      ['username with spaces', { username: 'some one', password: 'password123' }, 400],
      ['NUL in username', { username: 'abc\u0000def', password: 'password123' }, 400],
      ['short password', { username: 'someone_new', password: 'short' }, 400],
      ['long password', { username: 'someone_new', password: 'p'.repeat(129) }, 400],
      ['long display name', { username: 'someone_new', password: 'password123', displayName: 'd'.repeat(65) }, 400],
      ['long unicode display name', { username: 'someone_new', password: 'password123', displayName: emoji65 }, 400],
      ['blank display name', { username: 'someone_new', password: 'password123', displayName: '   ' }, 400],
      ['nested junk', { username: { $ne: null }, password: ['a'] }, 400],
      ['1 MB body', { username: 'someone_new', password: big }, 413],
      ['taken name', { username: 'BAD_INPUT_OWNER', password: 'password123' }, 409],
    ],
  },
  {
    method: 'POST',
    path: '/auth/login',
    bodies: [
      ['malformed JSON', '{', 400],
      ['an array', '[]', 400],
      ['wrong types', { username: 1, password: 2 }, 400],
      ['missing password', { username: 'bad_input_owner' }, 400],
      ['missing username', { password: 'password123' }, 400],
      ['unknown field', { username: 'bad_input_owner', password: 'x', remember: true }, 400],
      ['over-long username', { username: 'u'.repeat(65), password: 'password123' }, 400],
      ['over-long password', { username: 'bad_input_owner', password: 'p'.repeat(129) }, 400],
      ['nested junk', { username: { $gt: '' }, password: { $gt: '' } }, 400],
      ['unicode credentials', { username: 'zoë🚀', password: 'pässwörd🔒' }, 401],
      ['sql-looking credentials', { username: sqlish, password: sqlish }, 401],
      ['sql-looking credentials 2', { username: sqlish2, password: sqlish2 }, 401],
      ['1 MB body', { username: 'bad_input_owner', password: big }, 413],
    ],
  },
  {
    method: 'POST',
    path: '/auth/refresh',
    bodies: [
      ['malformed JSON', 'refreshToken=1', 400],
      ['wrong type', { refreshToken: 12345 }, 400],
      ['missing', {}, 400],
      ['empty', { refreshToken: '' }, 400],
      ['unknown field', { refreshToken: 'x', extra: 1 }, 400],
      ['over-long token', { refreshToken: 't'.repeat(513) }, 400],
      ['unicode token', { refreshToken: 'tökén🚀' }, 401],
      ['sql-looking token', { refreshToken: sqlish }, 401],
      ['1 MB body', { refreshToken: big }, 413],
    ],
  },
  {
    method: 'POST',
    path: '/auth/logout',
    bodies: [
      ['malformed JSON', '{"refreshToken"', 400],
      ['wrong type', { refreshToken: null }, 400],
      ['missing', {}, 400],
      ['unknown field', { refreshToken: 'x', all: true }, 400],
      ['over-long token', { refreshToken: 't'.repeat(513) }, 400],
      ['unicode token (unknown: a no-op)', { refreshToken: 'tökén🚀' }, 204],
      ['sql-looking token (unknown: a no-op)', { refreshToken: sqlish }, 204],
      ['1 MB body', { refreshToken: big }, 413],
    ],
  },
  {
    method: 'PATCH',
    path: '/users/me',
    auth: true,
    bodies: [
      ['malformed JSON', '{"displayName":}', 400],
      ['an array', '["x"]', 400],
      ['wrong type', { displayName: 7 }, 400],
      ['null', { displayName: null }, 400],
      ['missing', {}, 400],
      ['unknown field', { displayName: 'ok', username: 'takeover' }, 400],
      ['too long', { displayName: 'n'.repeat(65) }, 400],
      ['too long in emoji', { displayName: emoji65 }, 400],
      ['empty', { displayName: '' }, 400],
      ['blank', { displayName: ' \t ' }, 400],
      ['1 MB body', { displayName: big }, 413],
    ],
  },
  {
    method: 'DELETE',
    path: '/users/me',
    auth: true,
    bodies: [
      // The body parser refuses these before the handler runs: the account must survive.
      ['malformed JSON', '{"really": ', 400],
      ['1 MB body', { really: big }, 413],
    ],
  },
];

/** Calls that must refuse a missing, malformed or forged Authorization header. */
const badAuth: [string, string][] = [
  ['GET', '/users/me'],
  ['PATCH', '/users/me'],
  ['DELETE', '/users/me'],
  ['GET', '/users/00000000-0000-4000-8000-000000000000'],
  ['GET', '/users?search=bad'],
];
const badTokens: [string, Record<string, string>][] = [
  ['no header', {}],
  ['empty bearer', { authorization: 'Bearer ' }],
  ['garbage', { authorization: 'Bearer not.a.jwt' }],
  ['sql-looking', { authorization: `Bearer ${encodeURIComponent(sqlish)}` }],
  ['basic auth', { authorization: 'Basic YmFkX2lucHV0X293bmVyOnBhc3N3b3Jk' }],
  ['alg none', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.` }],
  ['huge', { authorization: `Bearer ${'a'.repeat(8000)}` }],
];

test('every REST endpoint refuses bad input with the contract code, never a 5xx, and nothing stored changes', async () => {
  const before = await snapshot();
  for (const c of cases) {
    for (const [what, body, status, headers] of c.bodies) {
      const r = await call(h.url, c.method, c.path, body, c.auth ? token : undefined, headers);
      const label = `${c.method} ${c.path} with ${what}: ${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`;
      assert.equal(r.status, status, label);
      if (status >= 400) {
        assert.equal(r.body?.error?.code, CODE[status], label);
        assert.equal(typeof r.body?.error?.message, 'string', label);
      }
    }
  }
  for (const [method, path] of badAuth) {
    for (const [what, headers] of badTokens) {
      const r = await call(h.url, method, path, method === 'PATCH' ? { displayName: 'hijack' } : undefined, undefined, headers);
      assert.deepEqual([r.status, r.body?.error?.code], [401, 'UNAUTHENTICATED'], `${method} ${path} with ${what}`);
    }
  }
  assert.equal(await snapshot(), before, 'stored users and sessions unchanged');
  // The session survived all of it.
  assert.equal((await call(h.url, 'GET', '/users/me', undefined, token)).status, 200);
  assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken })).status, 200);
});

test('bad query strings and ids are 4xx, never 5xx', async () => {
  const paths: [string, number][] = [
    ['/users?limit=abc', 400],
    ['/users?limit=0', 400],
    ['/users?limit=51', 400],
    ['/users?limit=-5', 400],
    ['/users?limit=1e9', 400],
    ['/users?limit=2.5', 400],
    ['/users?limit=99999999999999999999', 400],
    [`/users?search=${'s'.repeat(40)}`, 400],
    ['/users?search=a&search=b', 400],
    ['/users?search[$ne]=x', 400],
    ['/users?unknown=1', 400],
    [`/users?search=${encodeURIComponent(sqlish.slice(0, 20))}`, 200],
    [`/users?search=${encodeURIComponent('zoë🚀')}`, 200],
    [`/users?search=${encodeURIComponent('%_\\')}`, 200],
    ['/users/%27%3B%20DROP%20TABLE%20users%3B', 404],
    [`/users/${encodeURIComponent('zoë🚀')}`, 404],
    [`/users/${'9'.repeat(300)}`, 404],
    ['/users/00000000-0000-0000-0000-00000000000g', 404],
    ['/nowhere', 404],
  ];
  for (const [path, status] of paths) {
    const r = await call(h.url, 'GET', path, undefined, token);
    assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
    if (status >= 400) assert.equal(r.body?.error?.code, CODE[status], path);
  }
});

test('unicode and SQL-looking display names are plain text: stored and returned exactly as sent (trimmed)', async () => {
  const u = await register(h.url);
  for (const name of [sqlish, sqlish2, 'Zoë 🚀 مرحبا 漢字', '<script>alert(1)</script>', 'Robert"); DELETE FROM users;--']) {
    const r = await call(h.url, 'PATCH', '/users/me', { displayName: name }, u.accessToken);
    assert.deepEqual([r.status, r.body.displayName], [200, name]);
    const again = await call(h.url, 'GET', `/users/${u.user.id}`, undefined, token);
    assert.equal(again.body.displayName, name);
  }
  const owner = await call(h.url, 'GET', `/users/${ownerId}`, undefined, u.accessToken);
  assert.equal(owner.body.username, 'bad_input_owner', 'other users untouched');
});

/** GraphQL: the same refusals, as `extensions.code`, over HTTP statuses below 500. */
test('GraphQL refuses bad input with the contract codes, never a 5xx, and nothing stored changes', async () => {
  const before = await snapshot();
  const REG = 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }';
  const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }';
  const REFRESH = 'mutation($r: String!) { refresh(refreshToken: $r) { accessToken } }';
  const UPDATE = 'mutation($d: String!) { updateMe(displayName: $d) { id } }';
  const USERS = 'query($s: String, $l: Int) { users(search: $s, limit: $l) { id } }';
  const USER = 'query($id: ID!) { user(id: $id) { id } }';
  const rows: [string, string | unknown, Record<string, unknown>, string, boolean?][] = [
    ['register: wrong types', REG, { i: { username: 5, password: true } }, 'VALIDATION_FAILED'],
    ['register: unknown field', REG, { i: { username: 'gql_new', password: 'password123', admin: true } }, 'VALIDATION_FAILED'],
    ['register: missing password', REG, { i: { username: 'gql_new' } }, 'VALIDATION_FAILED'],
    ['register: missing input', REG, {}, 'VALIDATION_FAILED'],
    ['register: long username', REG, { i: { username: 'a'.repeat(33), password: 'password123' } }, 'VALIDATION_FAILED'],
    ['register: unicode username', REG, { i: { username: 'zoë', password: 'password123' } }, 'VALIDATION_FAILED'],
    ['register: sql-looking username', REG, { i: { username: sqlish, password: 'password123' } }, 'VALIDATION_FAILED'],
    ['register: long password', REG, { i: { username: 'gql_new', password: 'p'.repeat(129) } }, 'VALIDATION_FAILED'],
    ['register: taken', REG, { i: { username: 'Bad_Input_Owner', password: 'password123' } }, 'CONFLICT'],
    ['login: wrong types', LOGIN, { u: 1, p: 2 }, 'VALIDATION_FAILED'],
    ['login: missing', LOGIN, { u: 'bad_input_owner' }, 'VALIDATION_FAILED'],
    ['login: over-long', LOGIN, { u: 'u'.repeat(65), p: 'password123' }, 'VALIDATION_FAILED'],
    ['login: sql-looking', LOGIN, { u: sqlish, p: sqlish }, 'UNAUTHENTICATED'],
    ['login: unicode', LOGIN, { u: 'zoë🚀', p: 'pässwörd🔒' }, 'UNAUTHENTICATED'],
    ['refresh: over-long', REFRESH, { r: 't'.repeat(513) }, 'VALIDATION_FAILED'],
    ['refresh: sql-looking', REFRESH, { r: sqlish }, 'UNAUTHENTICATED'],
    ['updateMe: too long', UPDATE, { d: emoji65 }, 'VALIDATION_FAILED', true],
    ['updateMe: blank', UPDATE, { d: '   ' }, 'VALIDATION_FAILED', true],
    ['updateMe: wrong type', UPDATE, { d: { $set: 1 } }, 'VALIDATION_FAILED', true],
    ['updateMe: no token', UPDATE, { d: 'hijack' }, 'UNAUTHENTICATED'],
    ['users: limit out of range', USERS, { l: 0 }, 'VALIDATION_FAILED', true],
    ['users: search too long', USERS, { s: 's'.repeat(40) }, 'VALIDATION_FAILED', true],
    ['user: sql-looking id', USER, { id: sqlish }, 'NOT_FOUND', true],
    ['unknown argument', 'mutation { updateMe(displayName: "x", username: "y") { id } }', {}, 'VALIDATION_FAILED', true],
    ['unknown field', '{ me { id passwordHash } }', {}, 'VALIDATION_FAILED', true],
    ['syntax error', 'mutation { register(', {}, 'VALIDATION_FAILED'],
  ];
  for (const [what, query, variables, code, auth] of rows) {
    const r = await call(h.url, 'POST', '/graphql', { query, variables }, auth ? token : undefined);
    assert.ok(r.status < 500, `${what}: HTTP ${r.status}`);
    assert.equal(r.body?.errors?.[0]?.extensions?.code, code, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`);
  }
  const transport: [string, unknown, number][] = [
    ['malformed JSON', '{"query": "{ me { id } }"', 400],
    ['1 MB body', { query: `{ me { id } } # ${big}` }, 413],
  ];
  for (const [what, body, status] of transport) {
    const r = await call(h.url, 'POST', '/graphql', body, token);
    assert.deepEqual([r.status, r.body?.error?.code], [status, CODE[status]], `graphql ${what}`);
  }
  assert.equal(await snapshot(), before, 'stored users and sessions unchanged');
});
