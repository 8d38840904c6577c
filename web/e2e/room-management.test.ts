// Rooms from the UI: start a DM, create a group, an admin renames it and adds and removes people,
// a member leaves; every change reaches the other people's room lists live.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { createGroupViaUi, loginViaUi, registerAccount, uniqueName, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('rooms');

const roomItem = (page: Page, roomId: string) => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);

test('DM, group, rename, add, remove and leave from the UI', { timeout: 150_000 }, async () => {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const carolAcc = await registerAccount(e2e.webUrl, uniqueName('carol'), 'Carol');
  const alice = await e2e.open();
  const bob = await e2e.open();
  const carol = await e2e.open();
  await loginViaUi(alice.page, aliceAcc.username);
  await loginViaUi(bob.page, bobAcc.username);
  await loginViaUi(carol.page, carolAcc.username);

  // A direct message: named after the other person on each side.
  await alice.page.getByRole('button', { name: 'New conversation' }).click();
  await alice.page.getByTestId('user-search').fill(bobAcc.username.slice(0, 6));
  await alice.page.locator(`[data-testid="user-result"][data-username="${bobAcc.username}"]`).click();
  await alice.page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
  const dmId = alice.page.url().split('/c/')[1]!;
  await alice.page.getByTestId('chat-title').filter({ hasText: 'Bob' }).waitFor();
  await roomItem(bob.page, dmId).filter({ hasText: 'Alice' }).waitFor({ timeout: 5000 });
  // Presence dots in DMs: each was online before the DM existed, and each sees the other online.
  await roomItem(alice.page, dmId).locator('.presence[data-online="true"]').waitFor({ timeout: 5000 });
  await roomItem(bob.page, dmId).locator('.presence[data-online="true"]').waitFor({ timeout: 5000 });

  // A group with bob; alice (its creator) is the admin.
  const groupId = await createGroupViaUi(alice.page, 'Project X', [bobAcc.username]);
  await roomItem(bob.page, groupId).waitFor({ timeout: 5000 });

  await alice.page.getByRole('button', { name: 'Conversation settings' }).click();
  const dialog = alice.page.getByRole('dialog');
  await dialog.getByLabel('Group name').fill('Project Xylophone');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await roomItem(bob.page, groupId).filter({ hasText: 'Project Xylophone' }).waitFor({ timeout: 5000 });

  await dialog.getByTestId('user-search').fill(carolAcc.username);
  await dialog.locator(`[data-testid="user-result"][data-username="${carolAcc.username}"]`).click();
  await dialog.locator(`[data-testid="member"][data-user-id="${carolAcc.id}"]`).waitFor();
  await roomItem(carol.page, groupId).waitFor({ timeout: 5000 });

  await dialog.getByRole('button', { name: 'Remove Bob' }).click();
  await dialog.locator(`[data-testid="member"][data-user-id="${bobAcc.id}"]`).waitFor({ state: 'detached' });
  await roomItem(bob.page, groupId).waitFor({ state: 'detached', timeout: 5000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });

  // Carol (not an admin) sees members but no admin controls, and leaves.
  await roomItem(carol.page, groupId).click();
  await carol.page.getByRole('button', { name: 'Conversation settings' }).click();
  const carolDialog = carol.page.getByRole('dialog');
  assert.equal(await carolDialog.getByRole('button', { name: 'Rename' }).count(), 0);
  assert.equal(await carolDialog.getByRole('button', { name: /^Remove / }).count(), 0);
  carol.page.once('dialog', (d) => void d.accept());
  await carolDialog.getByRole('button', { name: 'Leave group' }).click();
  await carol.page.waitForURL((u) => u.pathname === '/');
  await roomItem(carol.page, groupId).waitFor({ state: 'detached' });
  await alice.page.getByText('2 members').waitFor({ timeout: 5000 }).catch(() => undefined);

  // Bob closes the app: his dot in alice's DM goes grey (said in words for screen readers too).
  const bobErrors = [...bob.errors];
  await bob.context.close();
  await roomItem(alice.page, dmId).locator('.presence[data-online="false"]').waitFor({ timeout: 10_000 });
  assert.equal(await roomItem(alice.page, dmId).getByTestId('presence-text').textContent(), 'offline');

  assert.deepEqual([...alice.errors, ...bobErrors, ...carol.errors], []);
});
