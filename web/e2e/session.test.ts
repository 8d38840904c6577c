// The session: access tokens refresh before they expire without the user noticing (REST and the
// socket keep working), a reload keeps the user signed in, and a session revoked elsewhere returns
// the page to the login form with a message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCESS_TTL_SECONDS, allMessages, createGroup, loginAccount, loginViaUi, openRoom, registerAccount, send, uniqueName, useBrowserStack } from '@converge/testing/browser';

const TTL = ACCESS_TTL_SECONDS;
const e2e = useBrowserStack('session');

test('tokens refresh transparently; a revoked session goes back to login with a message', { timeout: 120_000 }, async () => {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const roomId = await createGroup(e2e.webUrl, bobAcc, 'Tokens', [aliceAcc.id]);
  const alice = await e2e.open();
  let refreshes = 0;
  alice.page.on('request', (r) => {
    if (r.url().endsWith('/auth/refresh')) refreshes++;
  });
  await loginViaUi(alice.page, aliceAcc.username);
  await openRoom(alice.page, roomId);

  // Past the first token's lifetime: refreshed in the background, socket and REST still fine.
  await alice.page.waitForTimeout((TTL + 3) * 1000);
  assert.ok(refreshes >= 1 && refreshes <= 3, `refreshed ${refreshes} times in ${TTL + 3} s`);
  assert.equal(await alice.page.getByTestId('connection-banner').count(), 0, 'the socket stayed connected');
  await send(alice.page, 'still here after the token rotated');
  await alice.page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-message"]').length === 0);
  const stored = await allMessages(e2e.webUrl, await loginAccount(e2e.webUrl, bobAcc.username), roomId);
  assert.deepEqual(
    stored.map((m) => m.body),
    ['still here after the token rotated'],
  );

  // A reload keeps the session (the refresh token is in this tab's sessionStorage, the access token
  // is not stored anywhere).
  await alice.page.reload();
  await alice.page.getByTestId('me-name').waitFor();
  const stash = await alice.page.evaluate(() => ({ ...sessionStorage, ...localStorage }));
  assert.deepEqual(Object.keys(stash), ['converge.refreshToken']);

  // Signed out elsewhere: the tab's refresh token is revoked; its next refresh is refused.
  const res = await fetch(`${e2e.webUrl}/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: stash['converge.refreshToken'] }),
  });
  assert.equal(res.status, 204);
  // Back on the login page, which remembers the room she was in (?next=/c/<id>) for after sign-in.
  await alice.page.waitForURL(new RegExp(`/login\\?next=${encodeURIComponent(`/c/${roomId}`)}$`), { timeout: (TTL + 5) * 1000 });
  await alice.page.getByRole('status').filter({ hasText: 'Your session has ended' }).waitFor();
  assert.equal(await alice.page.evaluate(() => sessionStorage.getItem('converge.refreshToken')), null);
  assert.deepEqual(alice.errors, []);
});
