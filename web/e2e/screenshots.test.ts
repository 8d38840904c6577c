// Screenshots of the login page, the room list and a conversation, at desktop size and at 360 px,
// written to web/e2e/screenshots/ (git-ignored; copies are committed under docs/screenshots/).
// Also checks the 360 px layout is usable: nothing wider than the screen, controls reachable.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { callAs } from '@converge/testing';
import { createDirect, createGroup, DESKTOP, loginViaUi, openRoom, PHONE, postMessage, registerAccount, send, uniqueName, useBrowserStack } from '@converge/testing/browser';

const OUT = resolve(__dirname, '..', 'screenshots');
const e2e = useBrowserStack('shots');
before(() => {
  mkdirSync(OUT, { recursive: true });
});

async function noHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
}

test('screenshots of login, room list, conversation and reactions at desktop and 360 px', { timeout: 150_000 }, async () => {
  const mia = await registerAccount(e2e.webUrl, uniqueName('mia'), 'Mia Chen');
  const leo = await registerAccount(e2e.webUrl, uniqueName('leo'), 'Leo Martin');
  const ana = await registerAccount(e2e.webUrl, uniqueName('ana'), 'Ana Souza');
  const design = await createGroup(e2e.webUrl, mia, 'Design team', [leo.id, ana.id]);
  const launch = await createGroup(e2e.webUrl, leo, 'Launch 🚀', [mia.id]);
  const lunch = await createGroup(e2e.webUrl, ana, 'Lunch crew', [mia.id, leo.id]);
  const dm = await createDirect(e2e.webUrl, leo, mia.id);
  await postMessage(e2e.webUrl, leo, dm, 'Got a sec for a quick call?');
  await postMessage(e2e.webUrl, ana, lunch, 'Tacos today? 🌮');
  await postMessage(e2e.webUrl, leo, launch, 'Release notes are ready for review');
  await postMessage(e2e.webUrl, leo, launch, 'Ping me when you have a minute');
  const script: [typeof mia, string][] = [
    [leo, 'Morning! I pushed the new onboarding flow to staging.'],
    [ana, 'Nice. The empty states look much friendlier now.'],
    [mia, 'Love it. One thing: the button contrast on the last step is a bit low.'],
    [leo, 'Good catch, I will bump it to the accent colour.'],
    [ana, 'Spec is here: https://example.com/specs/onboarding-v2'],
  ];
  for (const [who, text] of script) await postMessage(e2e.webUrl, who, design, text);
  const react = (who: typeof mia, seq: number, emoji: string) =>
    callAs(e2e.webUrl, who, 'PUT', `/rooms/${design}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`);
  await react(mia, 1, '🎉');
  await react(ana, 1, '🎉');
  await react(leo, 3, '👍');
  await react(ana, 3, '👍');
  await react(leo, 2, '❤️');

  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['mobile', PHONE],
  ] as const) {
    const user = await e2e.open(viewport);
    const { page } = user;
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await noHorizontalOverflow(page);
    await page.screenshot({ path: join(OUT, `login-${label}.png`) });

    await loginViaUi(page, mia.username);
    await page.locator('[data-testid="room-item"]').nth(3).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.room__time').length >= 4);
    await page.waitForTimeout(300);
    await noHorizontalOverflow(page);
    await page.screenshot({ path: join(OUT, `rooms-${label}.png`) });

    await openRoom(page, design);
    await page.locator('[data-testid="message"]').nth(4).waitFor();
    if (label === 'desktop') {
      await send(page, 'Shipping it after lunch 🙌');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-message"]').length === 0);
    } else await page.locator('[data-testid="message-text"]', { hasText: 'Shipping it after lunch' }).waitFor();
    await page.mouse.move(1, 1);
    await page.waitForTimeout(300);
    await noHorizontalOverflow(page);
    if (label === 'mobile') {
      // One pane at a time: the list is hidden, the back button leads to it.
      assert.equal(await page.locator('.sidebar').isVisible(), false);
      await page.getByRole('button', { name: 'Back to conversations' }).waitFor();
    }
    await page.screenshot({ path: join(OUT, `conversation-${label}.png`) });

    // The reaction bar with the quick picker open on Leo's message, light and dark; at 360 px it fits.
    const first = page.locator('[data-testid="message"][data-seq="4"]');
    await first.hover();
    await first.getByTestId('reaction-add').click();
    await page.getByTestId('emoji-picker').waitFor();
    await page.waitForTimeout(200);
    await noHorizontalOverflow(page);
    await page.screenshot({ path: join(OUT, `reactions-${label}.png`) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(OUT, `reactions-${label}-dark.png`) });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
    assert.deepEqual(user.errors, []);
    await user.context.close();
  }
});
