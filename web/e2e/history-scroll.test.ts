// Acceptance: scrolling back through 300 messages loads them all, in order, without duplicates (and
// the reader's place is kept while older pages are inserted above).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmedMessages, createGroup, loginViaUi, openRoom, postMessage, registerAccount, uniqueName, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('history');

test('scrolling back through 300 messages loads every one, in order, once', { timeout: 150_000 }, async () => {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const roomId = await createGroup(e2e.webUrl, aliceAcc, 'Archive', [bobAcc.id]);
  for (let i = 1; i <= 300; i++) {
    await postMessage(e2e.webUrl, i % 3 === 0 ? bobAcc : aliceAcc, roomId, `message number ${i}`);
  }

  const alice = await e2e.open();
  await loginViaUi(alice.page, aliceAcc.username);
  await openRoom(alice.page, roomId);
  await alice.page.locator('[data-testid="message"][data-seq="300"]').waitFor();
  const list = alice.page.getByTestId('message-list');

  // Starts at the bottom, on the latest page.
  const atBottom = await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 48);
  assert.ok(atBottom, 'opens at the latest message');

  let pages = 0;
  for (let round = 0; round < 40; round++) {
    if (await alice.page.getByTestId('history-start').isVisible()) break;
    // Jump to the top (which asks for the previous page) and note where the oldest loaded message is;
    // once the page is in, that message must be at the same place on screen: content grew above it.
    // The previous page must be fully in first: its spinner gone, then a frame for the app to restore
    // the reader's place (a scroll to the top before that is overridden by the restore, and asks nothing).
    await alice.page.getByRole('status', { name: 'Loading messages' }).waitFor({ state: 'detached' });
    const count = await alice.page.locator('[data-testid="message"]').count();
    // On a loaded machine the restore can still land after that frame and undo the jump, which then
    // asks for nothing: like a reader, scroll to the top again (a fresh anchor each time) until the
    // older page comes in.
    let anchor = { seq: '', offset: 0 };
    let grew = false;
    for (let attempt = 0; attempt < 4 && !grew; attempt++) {
      anchor = await list.evaluate(async (el) => {
        await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        el.scrollTop = 0;
        const first = el.querySelector<HTMLElement>('[data-testid="message"]')!;
        return { seq: first.dataset.seq!, offset: first.getBoundingClientRect().top - el.getBoundingClientRect().top };
      });
      grew = await alice.page
        .waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length > n, count, { timeout: 5_000 })
        .then(() => true, (e: unknown) => (e instanceof Error && e.name === 'TimeoutError' ? false : Promise.reject(e)));
    }
    assert.ok(grew, `scrolling to the top loaded no older page after message ${anchor.seq}`);
    pages++;
    const offset = await list.evaluate((el, seq) => {
      const m = el.querySelector(`[data-testid="message"][data-seq="${seq}"]`)!;
      return m.getBoundingClientRect().top - el.getBoundingClientRect().top;
    }, anchor.seq);
    assert.ok(Math.abs(offset - anchor.offset) <= 4, `message ${anchor.seq} moved from ${anchor.offset}px to ${offset}px when older messages loaded`);
  }
  assert.ok(pages >= 5, `loaded ${pages} older pages`);
  await alice.page.getByTestId('history-start').waitFor();

  const msgs = await confirmedMessages(alice.page);
  assert.equal(msgs.length, 300);
  assert.deepEqual(
    msgs.map((m) => m.seq),
    Array.from({ length: 300 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    msgs.map((m) => m.text),
    Array.from({ length: 300 }, (_, i) => `message number ${i + 1}`),
  );
  assert.equal(new Set(msgs.map((m) => m.seq)).size, 300, 'no duplicates');
  assert.deepEqual(alice.errors, []);
});
