// Acceptance: a message `<img src=x onerror="window.__xss=1">` shows as text and window.__xss stays
// undefined. Also: links are clickable with rel="noopener noreferrer", long words wrap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aliceAndBobInRoom, send, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('xss');

const PAYLOAD = '<img src=x onerror="window.__xss=1">';

test('message text is rendered as text, never as HTML', { timeout: 90_000 }, async () => {
  const { alice, bob } = await aliceAndBobInRoom(e2e, 'Security review');

  await send(alice.page, PAYLOAD);
  const long = `${'a'.repeat(400)}`;
  await send(alice.page, long);
  await send(alice.page, 'Docs: https://example.com/path?q=1 and javascript:alert(1)');

  for (const who of [alice, bob]) {
    const text = who.page.locator('[data-testid="message"] [data-testid="message-text"]', { hasText: '<img' });
    await text.waitFor();
    assert.equal(await text.textContent(), PAYLOAD);
    assert.equal(await who.page.locator('[data-testid="message-list"] img').count(), 0);
    // The room list preview is text as well.
    assert.equal(await who.page.locator('[data-testid="room-list"] img').count(), 0);
    await who.page.waitForTimeout(300);
    assert.equal(await who.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);

    // A 400-character word wraps inside its bubble: nothing scrolls sideways.
    const overflow = await who.page.$eval('[data-testid="message-list"]', (el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 0, `the list overflows sideways by ${overflow}px`);

    const link = who.page.locator('[data-testid="message-text"] a');
    await link.first().waitFor();
    assert.equal(await link.count(), 1, 'only the http(s) URL becomes a link');
    assert.equal(await link.getAttribute('href'), 'https://example.com/path?q=1');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.deepEqual(who.errors, []);
  }
});
