// Profile and appearance: a display name changed in the UI is what the other person sees; avatars keep
// one colour per user; the theme toggle (system / light / dark) is remembered in this browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aliceAndBobInRoom, openRoom, postMessage, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('profile-theme');

test('a display name changed from the UI is seen by the other member', { timeout: 90_000 }, async () => {
  const { alice, bob, aliceAcc, roomId } = await aliceAndBobInRoom(e2e, 'Names');
  await postMessage(e2e.webUrl, aliceAcc, roomId, 'hello from alice');
  await bob.page.locator('.msg__sender', { hasText: 'Alice' }).waitFor();

  await alice.page.getByRole('button', { name: 'Profile and appearance' }).click();
  const dialog = alice.page.getByRole('dialog');
  await dialog.getByLabel('Display name').fill('Alice Cooper');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await alice.page.getByTestId('me-name').filter({ hasText: 'Alice Cooper' }).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Bob goes back to the list and opens the conversation again: the new name, no reload.
  await bob.page.evaluate(() => history.back());
  await bob.page.waitForURL((u) => !u.pathname.startsWith('/c/'));
  await openRoom(bob.page, roomId);
  await bob.page.locator('.msg__sender', { hasText: 'Alice Cooper' }).waitFor();

  // One colour per user: Alice's avatar in Bob's conversation is the one in her own header.
  const colour = (el: Element) => getComputedStyle(el).backgroundColor;
  const inBob = await bob.page.locator('.msg__avatar .avatar').first().evaluate(colour);
  const inAlice = await alice.page.locator('.me .avatar').evaluate(colour);
  assert.equal(inBob, inAlice);
  assert.deepEqual([...alice.errors, ...bob.errors], []);
});

test('the theme toggle is remembered across reloads; "system" follows the system again', { timeout: 90_000 }, async () => {
  const { alice, roomId } = await aliceAndBobInRoom(e2e, 'Themes');
  const background = () => alice.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await alice.page.getByRole('button', { name: 'Profile and appearance' }).click();
  await alice.page.getByRole('radio', { name: 'Dark' }).check();
  assert.equal(await alice.page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const dark = await background();
  assert.notEqual(dark, light);

  await alice.page.reload();
  await openRoom(alice.page, roomId);
  assert.equal(await background(), dark, 'dark after a reload, though the system is light');
  assert.equal(await alice.page.evaluate(() => localStorage.getItem('converge.theme')), 'dark');

  await alice.page.getByRole('button', { name: 'Profile and appearance' }).click();
  assert.ok(await alice.page.getByRole('radio', { name: 'Dark' }).isChecked());
  await alice.page.getByRole('radio', { name: 'System' }).check();
  assert.equal(await background(), light);
  await alice.page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await background(), dark, '"system" follows the system to dark');
  assert.equal(await alice.page.evaluate(() => localStorage.getItem('converge.theme')), null);
  assert.deepEqual(alice.errors, []);
});
