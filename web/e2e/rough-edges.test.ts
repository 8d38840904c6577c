// The rough edges a new user met: "1 members", a draft lost on reload, a room link lost through
// sign-in, the other person "Online" while we are offline, a lockout counted in seconds, and the
// sticky day label drawn over message text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aliceAndBobInRoom,
  createDirect,
  createGroup,
  loginViaUi,
  openRoom,
  PASSWORD,
  postMessage,
  registerAccount,
  uniqueName,
  useBrowserStack,
} from '@converge/testing/browser';

const e2e = useBrowserStack('rough-edges');

test('member counts use plural rules', { timeout: 90_000 }, async () => {
  const solo = await registerAccount(e2e.webUrl, uniqueName('solo'), 'Solo');
  const other = await registerAccount(e2e.webUrl, uniqueName('other'), 'Other');
  const alone = await createGroup(e2e.webUrl, solo, 'Just me', []);
  const pair = await createGroup(e2e.webUrl, solo, 'Two of us', [other.id]);
  const { page, errors } = await e2e.open();
  await loginViaUi(page, solo.username);
  await openRoom(page, alone);
  await page.locator('.chat__subtitle', { hasText: '1 member' }).waitFor();
  assert.equal(await page.locator('.chat__subtitle').textContent(), '1 member');
  await openRoom(page, pair);
  await page.locator('.chat__subtitle', { hasText: '2 members' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a draft survives a reload and is gone once sent', { timeout: 90_000 }, async () => {
  const { alice, roomId } = await aliceAndBobInRoom(e2e, 'Drafts');
  const box = alice.page.getByLabel('Message', { exact: true });
  await box.fill('half a thought');
  await alice.page.reload();
  await openRoom(alice.page, roomId);
  assert.equal(await alice.page.getByLabel('Message', { exact: true }).inputValue(), 'half a thought');
  await alice.page.getByLabel('Message', { exact: true }).press('Enter');
  await alice.page.locator('[data-testid="message"] [data-testid="message-text"]', { hasText: 'half a thought' }).waitFor();
  const kept = await alice.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('converge.draft.')));
  assert.deepEqual(kept, []);
  await alice.page.reload();
  await openRoom(alice.page, roomId);
  assert.equal(await alice.page.getByLabel('Message', { exact: true }).inputValue(), '');
  assert.deepEqual(alice.errors, []);
});

test('a room link opened while signed out is where sign-in lands', { timeout: 90_000 }, async () => {
  const carol = await registerAccount(e2e.webUrl, uniqueName('carol'), 'Carol');
  const roomId = await createGroup(e2e.webUrl, carol, 'Linked room', []);
  const { page, errors } = await e2e.open();
  await page.goto(`/c/${roomId}`);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('Username').fill(carol.username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(new RegExp(`/c/${roomId}$`));
  await page.getByTestId('chat-title').filter({ hasText: 'Linked room' }).waitFor();
  // A next= that is not one of our room paths is ignored (no open redirect).
  const second = await e2e.open();
  await second.page.goto('/login?next=https%3A%2F%2Fevil.example%2F');
  await second.page.getByLabel('Username').fill(carol.username);
  await second.page.getByLabel('Password').fill(PASSWORD);
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  await second.page.getByTestId('me-name').waitFor();
  assert.equal(new URL(second.page.url()).pathname, '/');
  assert.deepEqual(errors, []);
});

test('while we are offline the other person is "unknown", not "Online"', { timeout: 90_000 }, async () => {
  const dana = await registerAccount(e2e.webUrl, uniqueName('dana'), 'Dana');
  const eve = await registerAccount(e2e.webUrl, uniqueName('eve'), 'Eve');
  const dm = await createDirect(e2e.webUrl, dana, eve.id);
  const d = await e2e.open();
  const e = await e2e.open();
  await loginViaUi(d.page, dana.username);
  await loginViaUi(e.page, eve.username);
  await openRoom(d.page, dm);
  await d.page.locator('.chat__subtitle', { hasText: 'Online' }).waitFor({ timeout: 10_000 });
  await d.context.setOffline(true);
  await d.page.locator('.chat__subtitle', { hasText: 'Status unknown' }).waitFor();
  const item = d.page.locator(`[data-testid="room-item"][data-room-id="${dm}"]`);
  assert.equal(await item.locator('.presence').getAttribute('data-online'), 'unknown');
  assert.equal(await item.getByTestId('presence-text').textContent(), 'status unknown');
  await d.context.setOffline(false);
  await d.page.locator('.chat__subtitle', { hasText: 'Online' }).waitFor({ timeout: 15_000 });
  assert.deepEqual(d.errors, []);
});

test('a locked-out account is told the wait in minutes', { timeout: 90_000 }, async () => {
  const fred = await registerAccount(e2e.webUrl, uniqueName('fred'), 'Fred');
  // The user service locks an account after 50 failed logins in 15 minutes (its default). They come
  // from an address of their own (X-Forwarded-For, trusted from the proxy), so the per-address
  // budget of the shared stack's 127.0.0.1 is not spent.
  const wrong = () =>
    fetch(`${e2e.webUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.77.0.1' },
      body: JSON.stringify({ username: fred.username, password: 'not the password' }),
    }).then((r) => r.status);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push(...(await Promise.all(Array.from({ length: 10 }, wrong))));
  assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join(','));
  const { page, errors } = await e2e.open();
  await page.goto('/login');
  await page.getByLabel('Username').fill(fred.username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  assert.match(text, /Try again in about 1[45] minutes\./);
  assert.doesNotMatch(text, /seconds/);
  assert.deepEqual(errors, []);
});

test('the sticky day label never shows message text around or through it', { timeout: 90_000 }, async () => {
  const { alice, bobAcc, roomId } = await aliceAndBobInRoom(e2e, 'Day band');
  for (let i = 1; i <= 40; i++) await postMessage(e2e.webUrl, bobAcc, roomId, `line ${i} with enough words to fill the width of a bubble`);
  await alice.page.locator('[data-testid="message"]').nth(39).waitFor();
  const hits = await alice.page.evaluate(async () => {
    const scroller = document.querySelector<HTMLElement>('[data-testid="message-list"]')!;
    scroller.scrollTop = scroller.scrollHeight / 2;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const day = document.querySelector<HTMLElement>('.day')!;
    const r = day.getBoundingClientRect();
    const s = scroller.getBoundingClientRect();
    const out: string[] = [];
    for (let x = s.left + 20; x < s.right - 20; x += 40) {
      for (const y of [r.top + 2, r.top + r.height / 2, r.bottom - 2]) {
        const el = document.elementFromPoint(x, y);
        if (!el || !day.contains(el)) out.push(`${Math.round(x)},${Math.round(y)}: ${el?.className ?? 'none'}`);
      }
    }
    return { stuck: Math.abs(r.top - s.top) < 12, out };
  });
  assert.ok(hits.stuck, 'the day label sticks at the top while scrolled');
  assert.deepEqual(hits.out, [], 'points of the band that show something else');
  assert.deepEqual(alice.errors, []);
});
