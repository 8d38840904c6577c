// The conversation's finer points between two people: typing indicator, edit and delete marks,
// "seen by" receipts, the "N new messages" pill when scrolled up, keyboard use of the composer
// (Enter sends, Shift+Enter breaks the line) and of the room list (arrow keys, Enter).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmedMessages, createGroup, loginViaUi, openRoom, postMessage, registerAccount, send, uniqueName, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('features');

test('typing, edit, delete, seen-by, new-messages pill and keyboard use', { timeout: 150_000 }, async () => {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const other = await createGroup(e2e.webUrl, aliceAcc, 'Another room', [bobAcc.id]);
  const roomId = await createGroup(e2e.webUrl, aliceAcc, 'Features', [bobAcc.id]);
  for (let i = 1; i <= 40; i++) await postMessage(e2e.webUrl, aliceAcc, roomId, `filler ${i}`);

  const alice = await e2e.open();
  const bob = await e2e.open();
  await loginViaUi(alice.page, aliceAcc.username);
  await loginViaUi(bob.page, bobAcc.username);

  // Keyboard: from the filter box, arrow keys walk the room list and Enter opens a room.
  await alice.page.getByLabel('Filter conversations').focus();
  await alice.page.keyboard.press('Tab');
  const first = await alice.page.evaluate(() => document.activeElement?.getAttribute('data-room-id'));
  assert.ok(first === roomId || first === other, 'Tab reaches the first room');
  const focusRing = await alice.page.evaluate(() => getComputedStyle(document.activeElement!).boxShadow);
  assert.notEqual(focusRing, 'none', 'the focused room shows a focus ring');
  await alice.page.keyboard.press('ArrowDown');
  await alice.page.keyboard.press('ArrowUp');
  assert.equal(await alice.page.evaluate(() => document.activeElement?.getAttribute('data-room-id')), first);
  if (first !== roomId) await alice.page.keyboard.press('ArrowDown');
  await alice.page.keyboard.press('Enter');
  await alice.page.getByTestId('chat-title').filter({ hasText: 'Features' }).waitFor();
  await openRoom(bob.page, roomId);

  // Shift+Enter makes a new line, Enter sends.
  const box = alice.page.getByLabel('Message', { exact: true });
  await box.click();
  await alice.page.keyboard.type('first line');
  // Bob sees alice typing.
  await bob.page.locator('.typing', { hasText: 'Alice is typing' }).waitFor({ timeout: 3000 });
  await alice.page.keyboard.press('Shift+Enter');
  await alice.page.keyboard.type('second line');
  await alice.page.keyboard.press('Enter');
  const twoLines = bob.page.locator('[data-testid="message-text"]', { hasText: 'first line' });
  await twoLines.waitFor();
  assert.equal(await twoLines.textContent(), 'first line\nsecond line');
  assert.equal(await box.inputValue(), '', 'the composer is cleared after sending');
  await bob.page.locator('.typing', { hasText: 'typing' }).waitFor({ state: 'detached', timeout: 6000 });

  // Seen by: bob has the room open at the bottom, so his read marker reaches alice.
  await alice.page.getByTestId('seen-by').filter({ hasText: 'Bob' }).waitFor({ timeout: 5000 });

  // Edit and delete her own message; bob sees the marks.
  const mine = alice.page.locator('[data-testid="message"]', { hasText: 'first line' });
  await mine.hover();
  await mine.getByRole('button', { name: 'Edit message' }).click();
  const editor = alice.page.getByRole('textbox', { name: 'New text of the message' });
  await editor.fill('first line (fixed)');
  await editor.press('Enter');
  const edited = bob.page.locator('[data-testid="message"]', { hasText: 'first line (fixed)' });
  await edited.locator('.msg__edited').waitFor();
  // Its seq, read before the delete: once deleted, its text (which the locator matches) is gone.
  const seq = await mine.getAttribute('data-seq');
  alice.page.once('dialog', (d) => void d.accept());
  await mine.hover();
  await mine.getByRole('button', { name: 'Delete message' }).click();
  await bob.page.locator(`[data-testid="message"][data-seq="${seq}"] [data-testid="message-deleted"]`).waitFor();
  assert.equal(await bob.page.locator(`[data-testid="message"][data-seq="${seq}"]`).count(), 1);

  // Bob scrolls up; alice's next message does not yank him down, it shows as a pill instead.
  await bob.page.getByTestId('message-list').evaluate((el) => (el.scrollTop = 0));
  await bob.page.waitForTimeout(300);
  const top = await bob.page.getByTestId('message-list').evaluate((el) => el.scrollTop);
  await send(alice.page, 'are you there?');
  const pill = bob.page.getByTestId('new-messages-pill');
  await pill.waitFor({ timeout: 3000 });
  assert.match((await pill.textContent()) ?? '', /1 new message/);
  const topAfter = await bob.page.getByTestId('message-list').evaluate((el) => el.scrollTop);
  assert.ok(Math.abs(topAfter - top) < 5 || topAfter > top, 'the reader was not moved to the bottom');
  await pill.click();
  await pill.waitFor({ state: 'detached' });
  await bob.page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="message-list"]')!;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  });

  const texts = (await confirmedMessages(bob.page)).map((m) => m.text);
  assert.equal(texts[texts.length - 1], 'are you there?');
  assert.equal(new Set((await confirmedMessages(bob.page)).map((m) => m.seq)).size, texts.length, 'no duplicates');
  assert.deepEqual([...alice.errors, ...bob.errors], []);
});
