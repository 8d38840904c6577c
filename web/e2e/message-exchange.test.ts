// Acceptance: alice and bob register in two browser contexts, alice creates a room with bob, they
// exchange messages and each sees the other's within the same second, in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmedMessages, createGroupViaUi, openRoom, registerViaUi, send, uniqueName, useBrowserStack, type UserPage } from '@converge/testing/browser';

const e2e = useBrowserStack('exchange');
const pages: UserPage[] = [];

test('alice and bob exchange messages; each sees the other within a second, in order', { timeout: 120_000 }, async () => {
  const alice = await e2e.open();
  const bob = await e2e.open();
  pages.push(alice, bob);
  const aliceName = uniqueName('alice');
  const bobName = uniqueName('bob');
  await registerViaUi(alice.page, aliceName, 'Alice');
  await registerViaUi(bob.page, bobName, 'Bob');

  const roomId = await createGroupViaUi(alice.page, 'Weekend plans', [bobName]);
  // The room reaches bob live (room:added), without a reload.
  await bob.page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor({ timeout: 5000 });
  await openRoom(bob.page, roomId);

  const script: [UserPage, UserPage, string][] = [
    [alice, bob, 'Hi Bob! Are we still on for Saturday?'],
    [bob, alice, 'Yes! 10am at the station?'],
    [alice, bob, 'Perfect, see you there'],
    [bob, alice, "I'll bring coffee"],
    [alice, bob, 'You are the best'],
    [bob, alice, 'Multi\nline works too'],
  ];
  const expected: string[] = [];
  for (const [from, to, text] of script) {
    const t0 = Date.now();
    await send(from.page, text);
    expected.push(text);
    await to.page.locator('[data-testid="message"] [data-testid="message-text"]', { hasText: text.split('\n')[0]! }).last().waitFor({ timeout: 1000 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed <= 1000, `"${text}" took ${elapsed} ms to reach the other side`);
  }

  for (const who of [alice, bob]) {
    // Pending bubbles settle into confirmed ones.
    await who.page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-message"]').length === 0);
    const msgs = await confirmedMessages(who.page);
    assert.deepEqual(
      msgs.map((m) => m.text),
      expected,
      'both see every message once, in the order sent',
    );
    assert.deepEqual(
      msgs.map((m) => m.seq),
      expected.map((_, i) => i + 1),
    );
    // The conversation reads like one: a day separator, the other person's name on their messages,
    // a time on every message.
    assert.deepEqual(await who.page.locator('[data-testid="message-list"] [role="separator"]').allTextContents(), ['Today']);
    const other = who === alice ? 'Bob' : 'Alice';
    assert.ok((await who.page.locator('.msg__sender', { hasText: other }).count()) >= 1, `${other}'s name is shown`);
    assert.equal(await who.page.locator('.msg__sender', { hasText: who === alice ? 'Alice' : 'Bob' }).count(), 0, 'own messages carry no name');
    assert.equal(await who.page.locator('[data-testid="message"] time[datetime]').count(), expected.length);
    assert.deepEqual(who.errors, []);
  }
});
