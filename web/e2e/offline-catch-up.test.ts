// Acceptance: bob goes offline, alice sends 5 messages, bob comes back: he sees all 5, in order, once
// each, and his unread badge counts them until he opens the room.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmedMessages, createGroup, loginViaUi, openRoom, registerAccount, send, uniqueName, unreadBadge, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('offline');

test('bob catches up after being offline: 5 messages, in order, once each, counted as unread', { timeout: 120_000 }, async () => {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const roomId = await createGroup(e2e.webUrl, aliceAcc, 'Book club', [bobAcc.id]);

  const alice = await e2e.open();
  const bob = await e2e.open();
  await loginViaUi(alice.page, aliceAcc.username);
  await loginViaUi(bob.page, bobAcc.username);
  await openRoom(alice.page, roomId);
  const bobRoom = bob.page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
  await bobRoom.waitFor();

  await bob.context.setOffline(true);
  await bob.page.getByTestId('connection-banner').waitFor({ timeout: 5000 });

  const texts = [1, 2, 3, 4, 5].map((i) => `Chapter ${i} was great`);
  for (const t of texts) await send(alice.page, t);
  await alice.page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-message"]').length === 0);
  assert.equal(await unreadBadge(bob.page, roomId), 0, 'nothing arrives while offline');

  await bob.context.setOffline(false);
  await bob.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 10_000 });
  await bob.page.waitForFunction(
    (id) => document.querySelector(`[data-testid="room-item"][data-room-id="${id}"] [data-testid="unread-badge"]`)?.textContent === '5',
    roomId,
    { timeout: 10_000 },
  );
  // The preview shows the latest of them (it may follow the badge by a moment: the count comes with
  // the room list, the text with the sync).
  await bobRoom.filter({ hasText: 'Chapter 5 was great' }).waitFor({ timeout: 5000 });
  // It stays 5 (no message counted twice by the live path and the sync path).
  await bob.page.waitForTimeout(1000);
  assert.equal(await unreadBadge(bob.page, roomId), 5);

  await openRoom(bob.page, roomId);
  await bob.page.locator('[data-testid="message"]').nth(4).waitFor();
  const msgs = await confirmedMessages(bob.page);
  assert.deepEqual(
    msgs.map((m) => m.text),
    texts,
  );
  assert.deepEqual(
    msgs.map((m) => m.seq),
    [1, 2, 3, 4, 5],
  );
  await bob.page.waitForFunction((id) => !document.querySelector(`[data-room-id="${id}"] [data-testid="unread-badge"]`), roomId);
  assert.equal(await unreadBadge(bob.page, roomId), 0, 'opening the room clears the badge');
  assert.deepEqual([...alice.errors, ...bob.errors], []);
});
