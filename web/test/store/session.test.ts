// The session over a fake api and storage: the refresh token kept in (tab) storage, one refresh in
// flight for every caller, and a refused refresh ending the session with a notice.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ApiFailure } from '../../src/lib/api';
import { type Harness, harness, ME, settle, signIn } from './store.fakes';

const KEY = 'converge.refreshToken';

describe('session store', () => {
  let h: Harness | undefined;
  afterEach(() => {
    h?.store.session.logout().catch(() => undefined);
    h?.store.dispose();
    h = undefined;
  });

  test('signing in keeps the refresh token in storage and the access token in memory only', async () => {
    h = harness();
    await signIn(h);
    assert.equal(h.store.session.state.status, 'signedIn');
    assert.equal(h.store.session.me(), ME);
    assert.equal(h.store.session.accessToken(), 'access-1');
    assert.deepEqual([...h.storage.entries()], [[KEY, 'refresh-1']]);
  });

  test('concurrent refreshes share one request, so the single-use token is spent once', async () => {
    h = harness();
    await signIn(h);
    let n = 0;
    h.api.set({ refresh: async () => ({ accessToken: `access-${++n + 1}`, refreshToken: `refresh-${n + 1}` }) });
    const seen: string[] = [];
    h.store.session.onToken((t) => seen.push(t));
    const results = await Promise.all([h.store.session.refresh(), h.store.session.refresh(), h.store.session.refresh()]);
    assert.deepEqual(results, [true, true, true]);
    assert.equal(h.api.calls.filter((c) => c.name === 'refresh').length, 1);
    assert.deepEqual(seen, ['access-2']);
    assert.equal(h.storage.get(KEY), 'refresh-2');
  });

  test('a refresh refused with 401 ends the session with a notice and forgets the token', async () => {
    h = harness();
    await signIn(h);
    let ended = 0;
    h.store.session.onEnd(() => ended++);
    h.api.set({ refresh: async () => Promise.reject(new ApiFailure('UNAUTHENTICATED', 'no', 401)) });
    assert.equal(await h.store.session.refresh(), false);
    assert.equal(h.store.session.state.status, 'signedOut');
    assert.match(h.store.session.state.notice ?? '', /session has ended/);
    assert.equal(h.store.session.accessToken(), null);
    assert.equal(h.storage.has(KEY), false);
    assert.equal(ended, 1);
  });

  test('restore brings a stored session back; without a token it is signed out at once', async () => {
    h = harness({
      refresh: async () => ({ accessToken: 'access-9', refreshToken: 'refresh-9' }),
      me: async () => ({ id: ME, username: 'me', displayName: 'Me', createdAt: '2026-01-01T00:00:00.000Z' }),
    });
    await h.store.session.restore();
    assert.equal(h.store.session.state.status, 'signedOut');
    h.storage.set(KEY, 'refresh-8');
    await h.store.session.restore();
    await settle();
    assert.equal(h.store.session.state.status, 'signedIn');
    assert.deepEqual(h.api.calls.find((c) => c.name === 'refresh')?.args, ['refresh-8']);
    assert.equal(h.storage.get(KEY), 'refresh-9');
  });
});
