// Acceptance (issue 17): alice goes offline; bob edits one message, deletes another, reacts to a third
// and sends two; alice comes back and her page shows exactly those changes, each once. Then reactions
// made in one page (a chip click, the quick picker) appear live in the other, and the full picker
// loads its catalogue on demand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callAs } from '@converge/testing';
import { confirmedMessages, createGroup, loginViaUi, openRoom, postMessage, registerAccount, uniqueName, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('changes-feed');

test('after being offline alice sees the edit, the delete, the reaction and the new messages, once each; reactions go live both ways', { timeout: 120_000 }, async () => {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const roomId = await createGroup(e2e.webUrl, aliceAcc, 'Feed', [bobAcc.id]);
  for (const t of ['first draft', 'a mistake', 'good news']) await postMessage(e2e.webUrl, bobAcc, roomId, t);

  const alice = await e2e.open();
  await loginViaUi(alice.page, aliceAcc.username);
  await openRoom(alice.page, roomId);
  await alice.page.locator('[data-testid="message"]').nth(2).waitFor();

  await alice.context.setOffline(true);
  await alice.page.getByTestId('connection-banner').waitFor({ timeout: 5000 });

  const rooms = `/rooms/${roomId}/messages`;
  await callAs(e2e.webUrl, bobAcc, 'PATCH', `${rooms}/1`, { body: 'final text' });
  await callAs(e2e.webUrl, bobAcc, 'DELETE', `${rooms}/2`);
  await callAs(e2e.webUrl, bobAcc, 'PUT', `${rooms}/3/reactions/${encodeURIComponent('👍')}`);
  await postMessage(e2e.webUrl, bobAcc, roomId, 'new one');
  await postMessage(e2e.webUrl, bobAcc, roomId, 'new two');

  await alice.context.setOffline(false);
  await alice.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 10_000 });
  const msg = (seq: number) => alice.page.locator(`[data-testid="message"][data-seq="${seq}"]`);
  await msg(5).waitFor({ timeout: 10_000 });
  await msg(1).filter({ hasText: 'final text' }).waitFor({ timeout: 10_000 });
  await msg(2).getByTestId('message-deleted').waitFor({ timeout: 10_000 });
  const thumbs = msg(3).locator('[data-testid="reaction"][data-emoji="👍"]');
  await thumbs.waitFor({ timeout: 10_000 });
  await alice.page.waitForTimeout(500); // anything applied twice would show by now
  assert.deepEqual(await confirmedMessages(alice.page), [
    { seq: 1, text: 'final text' },
    { seq: 2, text: '' },
    { seq: 3, text: 'good news' },
    { seq: 4, text: 'new one' },
    { seq: 5, text: 'new two' },
  ]);
  assert.equal((await thumbs.textContent())?.replace(/\s/g, ''), '👍1');
  assert.equal(await thumbs.getAttribute('aria-pressed'), 'false');
  assert.equal(await alice.page.locator('[data-testid="reaction"]').count(), 1, 'one chip, on seq 3 only');
  assert.match((await thumbs.getAttribute('title')) ?? '', /Bob reacted with 👍/);

  // Live both ways: bob's page sees alice's chip click and her quick-picker pick.
  const bob = await e2e.open();
  await loginViaUi(bob.page, bobAcc.username);
  await openRoom(bob.page, roomId);
  const bobMsg = (seq: number) => bob.page.locator(`[data-testid="message"][data-seq="${seq}"]`);
  await bobMsg(3).locator('[data-testid="reaction"][data-emoji="👍"]').waitFor();

  await thumbs.click();
  await alice.page.waitForFunction(() => document.querySelector('[data-seq="3"] [data-emoji="👍"]')?.getAttribute('aria-pressed') === 'true');
  assert.equal((await thumbs.textContent())?.replace(/\s/g, ''), '👍2');
  await bob.page.waitForFunction(() => document.querySelector('[data-seq="3"] [data-emoji="👍"]')?.textContent?.replace(/\s/g, '') === '👍2', undefined, { timeout: 10_000 });
  assert.match((await bobMsg(3).locator('[data-emoji="👍"]').getAttribute('title')) ?? '', /Bob and Alice|Alice and Bob/);

  await msg(4).hover();
  await msg(4).getByTestId('reaction-add').click();
  await alice.page.getByRole('button', { name: 'React with 🎉' }).click();
  await bobMsg(4).locator('[data-testid="reaction"][data-emoji="🎉"]').waitFor({ timeout: 10_000 });

  // Clicking her own chip again takes the reaction back, for both.
  await thumbs.click();
  await bob.page.waitForFunction(() => document.querySelector('[data-seq="3"] [data-emoji="👍"]')?.textContent?.replace(/\s/g, '') === '👍1', undefined, { timeout: 10_000 });

  // The full picker fetches its catalogue only now, and finds an emoji by name.
  await msg(5).hover();
  await msg(5).getByTestId('reaction-add').click();
  await alice.page.getByRole('button', { name: 'More…' }).click();
  await alice.page.getByLabel('Search emoji').fill('crab');
  await alice.page.getByRole('button', { name: 'crab', exact: true }).click();
  await bobMsg(5).locator('[data-testid="reaction"][data-emoji="🦀"]').waitFor({ timeout: 10_000 });
  // The quick row now leads with what alice picked last.
  await msg(1).hover();
  await msg(1).getByTestId('reaction-add').click();
  const quick = await alice.page.locator('[data-testid="emoji-picker"] .picker__quick .picker__emoji').allTextContents();
  assert.deepEqual(quick.slice(0, 2), ['🦀', '🎉']);

  assert.deepEqual([...alice.errors, ...bob.errors], []);
});
