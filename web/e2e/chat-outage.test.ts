// Acceptance: the chat service is stopped and restarted while alice's page is open: the banner appears
// and disappears, and a message sent during the outage is delivered after it (resent with the same
// clientMsgId), once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aliceAndBobInRoom, allMessages, confirmedMessages, send, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('outage', { ownStack: true });

test('a chat service restart: banner while down, the message sent meanwhile delivered once', { timeout: 150_000 }, async () => {
  const { aliceAcc, roomId, alice, bob } = await aliceAndBobInRoom(e2e, 'Ops');

  await send(alice.page, 'before the outage');
  await bob.page.locator('[data-testid="message-text"]', { hasText: 'before the outage' }).waitFor();

  await e2e.stack.chat.stop();
  const banner = alice.page.getByTestId('connection-banner');
  await banner.waitFor({ timeout: 10_000 });
  assert.match((await banner.textContent()) ?? '', /Reconnecting/);

  const during = 'sent while the chat service was down';
  await send(alice.page, during);
  const pending = alice.page.locator('[data-testid="pending-message"]', { hasText: during });
  await pending.waitFor();
  const clientMsgId = await pending.getAttribute('data-client-msg-id');
  assert.ok(clientMsgId);
  // It fails for want of a connection and offers a retry.
  await alice.page.locator('[data-testid="pending-message"][data-state="failed"]').waitFor({ timeout: 15_000 });
  await alice.page.getByRole('button', { name: 'Retry sending' }).waitFor();

  await e2e.stack.chat.start();
  await banner.waitFor({ state: 'detached', timeout: 20_000 });
  // Resent by itself after the reconnect (or by the retry button, same clientMsgId either way).
  if (await alice.page.getByRole('button', { name: 'Retry sending' }).isVisible().catch(() => false)) {
    await alice.page.getByRole('button', { name: 'Retry sending' }).click().catch(() => undefined);
  }
  await alice.page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-message"]').length === 0, undefined, {
    timeout: 15_000,
  });
  await bob.page.locator('[data-testid="message-text"]', { hasText: during }).waitFor({ timeout: 15_000 });

  const stored = await allMessages(e2e.webUrl, aliceAcc, roomId);
  const copies = stored.filter((m) => m.body === during);
  assert.equal(copies.length, 1, 'stored once');
  assert.equal(copies[0]!.clientMsgId, clientMsgId, 'with the clientMsgId of the optimistic bubble');
  for (const who of [alice, bob]) {
    const shown = (await confirmedMessages(who.page)).filter((m) => m.text === during);
    assert.equal(shown.length, 1, 'shown once');
  }
  // And the link works normally afterwards.
  await send(bob.page, 'back to normal');
  await alice.page.locator('[data-testid="message-text"]', { hasText: 'back to normal' }).waitFor({ timeout: 2000 });
  assert.deepEqual([...alice.errors, ...bob.errors], []);
});
