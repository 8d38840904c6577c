import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { AppError } from '@converge/protocol';
import { AuthService } from './auth.service';
import {
  FakeAccessTokens,
  FakeHasher,
  ManualClock,
  MemoryRefreshTokens,
  MemoryThrottle,
  MemoryUsers,
  RecordingObserver,
} from './ports.fakes';

const DAY = 86_400_000;
const IP = '192.0.2.1';

let users: MemoryUsers;
let tokens: MemoryRefreshTokens;
let hasher: FakeHasher;
let throttle: MemoryThrottle;
let clock: ManualClock;
let observer: RecordingObserver;
let auth: AuthService;

beforeEach(() => {
  users = new MemoryUsers();
  clock = new ManualClock();
  tokens = new MemoryRefreshTokens(clock);
  hasher = new FakeHasher();
  throttle = new MemoryThrottle(5, 3);
  observer = new RecordingObserver();
  auth = new AuthService(users, tokens, hasher, new FakeAccessTokens(), throttle, { refreshTokenTtlDays: 30, refreshFamilyMaxDays: 90 }, clock, observer);
});

/** Asserts that `p` rejects with an AppError of `code`. */
async function rejectsWith(p: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError, `expected AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

describe('register', () => {
  test('stores a lower-cased user with a hashed password and answers the public user and a token pair', async () => {
    const r = await auth.register({ username: 'Alice.B', password: 'password123' }, IP);
    assert.equal(r.user.username, 'alice.b');
    assert.equal(r.user.displayName, 'alice.b', 'the display name defaults to the username');
    assert.equal(r.user.createdAt, clock.current.toISOString());
    assert.deepEqual(Object.keys(r.user).sort(), ['createdAt', 'displayName', 'id', 'username']);
    assert.equal(users.rows.get(r.user.id)?.passwordHash, 'hashed:password123');
    assert.match(r.accessToken, /^access:/);
    assert.equal(tokens.rows.get(r.refreshToken)?.userId, r.user.id);
    assert.equal(tokens.rows.get(r.refreshToken)?.expiresAt.getTime(), clock.current.getTime() + 30 * DAY);
    assert.deepEqual(observer.events, [['registered', r.user.id]]);
  });

  test('keeps a display name trimmed', async () => {
    const r = await auth.register({ username: 'bob', password: 'password123', displayName: '  Bob 🚀 ' }, IP);
    assert.equal(r.user.displayName, 'Bob 🚀');
  });

  test('bad input is VALIDATION_FAILED before any limit is spent or any hash computed', async () => {
    for (const input of [undefined, null, 'x', [], {}, { username: 'ab', password: 'password123' }, { username: 'abc', password: 'short' },
      { username: 'abc', password: 'password123', admin: true }, { username: 'zoë', password: 'password123' }]) {
      await rejectsWith(auth.register(input, IP), 'VALIDATION_FAILED');
    }
    assert.equal(throttle.registrationCounts.size, 0);
    assert.deepEqual(hasher.hashed, []);
    assert.equal(users.rows.size, 0);
  });

  test('a taken name is CONFLICT and issues nothing', async () => {
    await auth.register({ username: 'carol', password: 'password123' }, IP);
    await rejectsWith(auth.register({ username: 'CAROL', password: 'password456' }, IP), 'CONFLICT');
    assert.equal(users.rows.size, 1);
    assert.equal(tokens.rows.size, 1);
    assert.equal(observer.events.length, 1);
  });

  test('over the per-IP limit is RATE_LIMITED with a retry time, and no password is hashed', async () => {
    for (let i = 0; i < 3; i++) await auth.register({ username: `user${i}`, password: 'password123' }, IP);
    const e = await rejectsWith(auth.register({ username: 'user3', password: 'password123' }, IP), 'RATE_LIMITED');
    assert.ok((e.retryAfterSeconds ?? 0) > 0);
    assert.equal(hasher.hashed.length, 3);
    await auth.register({ username: 'user3', password: 'password123' }, '192.0.2.2');
  });
});

describe('login', () => {
  beforeEach(async () => {
    await auth.register({ username: 'dave', password: 'password123' }, IP);
    observer.events.length = 0;
  });

  test('the right password, in any username case, gives the user and a new token family', async () => {
    const r = await auth.login({ username: 'DAVE', password: 'password123' }, IP);
    assert.equal(r.user.username, 'dave');
    const families = new Set([...tokens.rows.values()].map((t) => t.familyId));
    assert.equal(families.size, 2, 'each login starts its own family');
    assert.deepEqual(observer.events, [['login', 'ok', r.user.id]]);
  });

  test('a wrong password or an unknown user is UNAUTHENTICATED, with the same message, and counts a failure', async () => {
    const a = await rejectsWith(auth.login({ username: 'dave', password: 'wrong-password' }, IP), 'UNAUTHENTICATED');
    const b = await rejectsWith(auth.login({ username: 'nobody', password: 'password123' }, IP), 'UNAUTHENTICATED');
    assert.equal(a.message, b.message, 'the answer does not reveal whether the user exists');
    assert.equal(hasher.verified.at(-1), undefined, 'an unknown user still goes through verify');
    assert.equal(throttle.failureCounts.get(`dave|${IP}`), 1);
    assert.equal(throttle.failureCounts.get(`nobody|${IP}`), 1);
    assert.deepEqual(observer.events.map((e) => e.slice(0, 2)), [['login', 'bad_credentials'], ['login', 'bad_credentials']]);
  });

  test('after 5 failures the next attempt is RATE_LIMITED even with the right password, without checking it', async () => {
    for (let i = 0; i < 5; i++) await rejectsWith(auth.login({ username: 'dave', password: `wrong-${i}` }, IP), 'UNAUTHENTICATED');
    const verifies = hasher.verified.length;
    await rejectsWith(auth.login({ username: 'dave', password: 'password123' }, IP), 'RATE_LIMITED');
    assert.equal(hasher.verified.length, verifies, 'no password check while throttled');
    assert.deepEqual(observer.events.at(-1)?.slice(0, 2), ['login', 'throttled']);
    await auth.login({ username: 'dave', password: 'password123' }, '192.0.2.9');
  });

  test('logins that failed on the database (a failover) cost no attempt: the user is not locked out after it', async () => {
    const find = users.findByUsername.bind(users);
    users.findByUsername = () => Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }));
    for (let i = 0; i < 10; i++) await assert.rejects(auth.login({ username: 'dave', password: 'password123' }, IP), { code: 'ECONNRESET' });
    users.findByUsername = find;
    assert.equal(throttle.failureCounts.get(`dave|${IP}`), 0);
    assert.equal((await auth.login({ username: 'dave', password: 'password123' }, IP)).user.username, 'dave');
  });

  test('a success clears the failures', async () => {
    for (let i = 0; i < 4; i++) await rejectsWith(auth.login({ username: 'dave', password: 'nope-nope' }, IP), 'UNAUTHENTICATED');
    await auth.login({ username: 'dave', password: 'password123' }, IP);
    assert.equal(throttle.failureCounts.has(`dave|${IP}`), false);
  });

  test('bad input is VALIDATION_FAILED and counts no failure', async () => {
    for (const input of [{}, { username: 'dave' }, { username: 1, password: 2 }, { username: 'dave', password: 'x', extra: 1 },
      { username: '', password: 'x' }, { username: 'dave', password: 'p'.repeat(129) }]) {
      await rejectsWith(auth.login(input, IP), 'VALIDATION_FAILED');
    }
    assert.equal(throttle.failureCounts.size, 0);
  });
});

describe('refresh and logout', () => {
  let first: { refreshToken: string; user: { id: string } };
  beforeEach(async () => {
    first = await auth.register({ username: 'erin', password: 'password123' }, IP);
    observer.events.length = 0;
  });

  test('rotates: a new pair, the same family, the old token spent, the expiry renewed', async () => {
    clock.advance(DAY);
    const r = await auth.refresh({ refreshToken: first.refreshToken });
    assert.notEqual(r.refreshToken, first.refreshToken);
    assert.match(r.accessToken, /^access:/);
    const old = tokens.rows.get(first.refreshToken);
    const next = tokens.rows.get(r.refreshToken);
    assert.ok(old?.usedAt);
    assert.equal(next?.familyId, old?.familyId);
    assert.equal(next?.expiresAt.getTime(), clock.current.getTime() + 30 * DAY);
    assert.deepEqual(observer.events, [['refresh', 'ok', { userId: first.user.id }]]);
  });

  test('reusing a spent token revokes the family: the newest token fails too', async () => {
    const second = await auth.refresh({ refreshToken: first.refreshToken });
    await rejectsWith(auth.refresh({ refreshToken: first.refreshToken }), 'UNAUTHENTICATED');
    await rejectsWith(auth.refresh({ refreshToken: second.refreshToken }), 'UNAUTHENTICATED');
    const family = tokens.rows.get(first.refreshToken)?.familyId;
    assert.deepEqual(observer.events[1], ['refresh', 'reuse_detected', { userId: first.user.id, familyId: family }]);
    // Another session of the same user is untouched.
    const other = await auth.login({ username: 'erin', password: 'password123' }, IP);
    await auth.refresh({ refreshToken: other.refreshToken });
  });

  test('an unknown or expired token is UNAUTHENTICATED', async () => {
    await rejectsWith(auth.refresh({ refreshToken: 'never-issued' }), 'UNAUTHENTICATED');
    clock.advance(30 * DAY);
    await rejectsWith(auth.refresh({ refreshToken: first.refreshToken }), 'UNAUTHENTICATED');
    assert.deepEqual(observer.events.map((e) => e[1]), ['unknown', 'expired']);
  });

  test('rotation never carries a family past its absolute lifetime (90 days here), then the family is over', async () => {
    let token = first.refreshToken;
    for (let day = 20; day < 90; day += 20) {
      clock.advance(20 * DAY);
      token = (await auth.refresh({ refreshToken: token })).refreshToken;
    }
    // Refreshed on day 80: the new token runs to the family's end (day 90), not to day 110.
    assert.equal(tokens.rows.get(token)?.expiresAt.getTime(), clock.current.getTime() + 10 * DAY);
    clock.advance(10 * DAY);
    await rejectsWith(auth.refresh({ refreshToken: token }), 'UNAUTHENTICATED');
    assert.equal(observer.events.at(-1)?.[1], 'expired');
    // A new login starts a new family with the full lifetime.
    await auth.refresh({ refreshToken: (await auth.login({ username: 'erin', password: 'password123' }, IP)).refreshToken });
  });

  test('a token whose account is gone is UNAUTHENTICATED', async () => {
    users.rows.delete(first.user.id);
    await rejectsWith(auth.refresh({ refreshToken: first.refreshToken }), 'UNAUTHENTICATED');
    assert.deepEqual(observer.events, [['refresh', 'no_account', { userId: first.user.id }]]);
  });

  test('bad input is VALIDATION_FAILED', async () => {
    for (const input of [{}, { refreshToken: 5 }, { refreshToken: '' }, { refreshToken: 't'.repeat(513) }, { refreshToken: 'x', more: 1 }]) {
      await rejectsWith(auth.refresh(input), 'VALIDATION_FAILED');
      await rejectsWith(auth.logout(input), 'VALIDATION_FAILED');
    }
  });

  test('logout revokes the family; an unknown token is accepted and changes nothing', async () => {
    const second = await auth.refresh({ refreshToken: first.refreshToken });
    await auth.logout({ refreshToken: second.refreshToken });
    await rejectsWith(auth.refresh({ refreshToken: second.refreshToken }), 'UNAUTHENTICATED');
    await auth.logout({ refreshToken: 'never-issued' });
    assert.deepEqual(observer.events.filter((e) => e[0] === 'loggedOut'), [['loggedOut', first.user.id], ['loggedOut', undefined]]);
  });
});
