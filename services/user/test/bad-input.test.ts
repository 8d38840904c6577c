import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { call, type Harness, register, startHarness } from './harness';

let h: Harness;
let token: string;
let refreshToken: string;
before(async () => {
  h = await startHarness();
  const u = await register(h.url, 'bad_input_owner');
  token = u.accessToken;
  refreshToken = u.refreshToken;
});
after(async () => {
  await h.close();
});

async function snapshot(): Promise<string> {
  const db = new Client({ connectionString: h.db.url });
  await db.connect();
  const { rows } = await db.query('SELECT id, username, display_name, password_hash FROM users ORDER BY id');
  await db.end();
  return JSON.stringify(rows);
}

const big = 'x'.repeat(1 << 20);
const sqlish = "'; DROP TABLE users; --";

/** Each endpoint with a body, and bodies it must refuse with the given code. */
const cases: { method: string; path: string; auth?: boolean; bodies: [string, unknown, number][] }[] = [
  {
    method: 'POST',
    path: '/auth/register',
    bodies: [
      ['malformed JSON', '{"username": "abc", ', 400],
      ['not an object', '"hello"', 400],
      ['an array', '[1,2,3]', 400],
      ['null', 'null', 400],
      ['wrong types', { username: 42, password: true }, 400],
      ['missing password', { username: 'someone' }, 400],
      ['missing everything', {}, 400],
      ['unknown field', { username: 'someone_new', password: 'password123', isAdmin: true }, 400],
      ['short username', { username: 'ab', password: 'password123' }, 400],
      ['long username', { username: 'a'.repeat(33), password: 'password123' }, 400],
      ['unicode username', { username: 'zoë', password: 'password123' }, 400],
      ['sql-looking username', { username: sqlish, password: 'password123' }, 400],
      ['short password', { username: 'someone_new', password: 'short' }, 400],
      ['long password', { username: 'someone_new', password: 'p'.repeat(129) }, 400],
      ['long display name', { username: 'someone_new', password: 'password123', displayName: 'd'.repeat(65) }, 400],
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
      ['wrong types', { username: 1, password: 2 }, 400],
      ['missing password', { username: 'bad_input_owner' }, 400],
      ['unknown field', { username: 'bad_input_owner', password: 'x', remember: true }, 400],
      ['sql-looking credentials', { username: sqlish, password: sqlish }, 401],
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
      ['unknown field', { refreshToken: 'x', extra: 1 }, 400],
      ['over-long token', { refreshToken: 't'.repeat(513) }, 400],
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
      ['1 MB body', { refreshToken: big }, 413],
    ],
  },
  {
    method: 'PATCH',
    path: '/users/me',
    auth: true,
    bodies: [
      ['malformed JSON', '{"displayName":}', 400],
      ['wrong type', { displayName: 7 }, 400],
      ['missing', {}, 400],
      ['unknown field', { displayName: 'ok', username: 'takeover' }, 400],
      ['too long', { displayName: 'n'.repeat(65) }, 400],
      ['empty', { displayName: '' }, 400],
      ['1 MB body', { displayName: big }, 413],
    ],
  },
];

test('every endpoint refuses malformed, mistyped, unknown, missing, over-long and huge input with its 4xx, and nothing changes', async () => {
  const before = await snapshot();
  for (const c of cases) {
    for (const [what, body, status] of c.bodies) {
      const r = await call(h.url, c.method, c.path, body, c.auth ? token : undefined);
      assert.equal(r.status, status, `${c.method} ${c.path} with ${what}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body?.error?.code, 'string', `${c.method} ${c.path} with ${what} has an error code`);
      assert.equal(typeof r.body?.error?.message, 'string');
    }
  }
  assert.equal(await snapshot(), before, 'stored users unchanged');
  // The session survived all of it.
  assert.equal((await call(h.url, 'GET', '/users/me', undefined, token)).status, 200);
  assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken })).status, 200);
});

test('bad query strings and ids are 4xx, never 5xx', async () => {
  const paths: [string, number][] = [
    ['/users?limit=abc', 400],
    ['/users?limit=0', 400],
    ['/users?limit=-5', 400],
    ['/users?limit=1e9', 400],
    [`/users?search=${'s'.repeat(40)}`, 400],
    ['/users?search=a&search=b', 400],
    ['/users?unknown=1', 400],
    [`/users?search=${encodeURIComponent(sqlish.slice(0, 20))}`, 200],
    ['/users/%27%3B%20DROP%20TABLE%20users%3B', 404],
    [`/users/${'9'.repeat(300)}`, 404],
    ['/nowhere', 404],
  ];
  for (const [path, status] of paths) {
    const r = await call(h.url, 'GET', path, undefined, token);
    assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
  }
});
