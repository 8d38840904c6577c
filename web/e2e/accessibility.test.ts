// An axe-core audit (WCAG 2.1 AA tags) of the login page, the room list and a conversation, in the
// light and the dark theme: no serious or critical violation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callAs } from '@converge/testing';
import { aliceAndBobInRoom, openRoom, postMessage, useBrowserStack } from '@converge/testing/browser';
import { axeViolations } from './page-checks';

const e2e = useBrowserStack('accessibility');

for (const scheme of ['light', 'dark'] as const) {
  test(`no serious or critical WCAG 2.1 AA violations (${scheme})`, { timeout: 120_000 }, async () => {
    const login = await e2e.open();
    await login.page.emulateMedia({ colorScheme: scheme });
    await login.page.goto('/login');
    await login.page.getByLabel('Username').waitFor();
    const found: Record<string, unknown> = { login: await axeViolations(login.page) };

    const { alice, bobAcc, roomId } = await aliceAndBobInRoom(e2e, `Audit ${scheme}`);
    await alice.page.emulateMedia({ colorScheme: scheme });
    await postMessage(e2e.webUrl, bobAcc, roomId, 'Hi **there**, see `npm test` and https://example.com\n> a quote');
    await alice.page.getByLabel('Message', { exact: true }).fill('my reply');
    await alice.page.getByLabel('Message', { exact: true }).press('Enter');
    await alice.page.locator('[data-testid="message"]').nth(1).waitFor();
    // The reaction bar in its states: someone else's chip, the user's own (pressed), the open picker.
    await callAs(e2e.webUrl, bobAcc, 'PUT', `/rooms/${roomId}/messages/1/reactions/${encodeURIComponent('👍')}`);
    await alice.page.locator('[data-seq="1"] [data-testid="reaction"]').click();
    await alice.page.waitForSelector('[data-seq="1"] [data-testid="reaction"][aria-pressed="true"]');
    await alice.page.locator('[data-seq="2"]').hover();
    await alice.page.locator('[data-seq="2"] [data-testid="reaction-add"]').click();
    await alice.page.getByTestId('emoji-picker').waitFor();
    await alice.page.waitForTimeout(300);
    found.conversation = await axeViolations(alice.page);
    await alice.page.keyboard.press('Escape');
    await alice.page.evaluate(() => history.back());
    await alice.page.waitForURL((u) => !u.pathname.startsWith('/c/'));
    await alice.page.getByTestId('room-list').waitFor();
    found.roomList = await axeViolations(alice.page);
    await openRoom(alice.page, roomId);

    for (const [page, list] of Object.entries(found)) assert.deepEqual(list, [], `${page} (${scheme}): ${JSON.stringify(list, null, 1)}`);
    assert.deepEqual([...login.errors, ...alice.errors], []);
  });
}
