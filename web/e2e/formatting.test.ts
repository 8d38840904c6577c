// Formatted text: the Markdown subset renders as elements, a table of hostile input renders safely
// (no script element, no handler attribute, no javascript: link) and fast (no long task over 50 ms);
// and opening a room with unread messages shows the "New messages" line and a jump to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aliceAndBobInRoom, openRoom, postMessage, useBrowserStack } from '@converge/testing/browser';
import { clearLongTasks, longTasks, recordLongTasks } from './page-checks';

const e2e = useBrowserStack('formatting');

const R = (s: string) => s.repeat(Math.ceil(4000 / s.length)).slice(0, 4000);
const HOSTILE: [string, string][] = [
  ['script tag', '<script>window.__xss = 1</script>'],
  ['img handler', '<img src=x onerror="window.__xss = 2">'],
  ['javascript link', '[click me](javascript:window.__xss=3)'],
  ['mixed-case scheme', '[x](JaVaScRiPt:window.__xss=4)'],
  ['autolink scheme', '<javascript:window.__xss=5>'],
  ['data link', '[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9Njwvc2NyaXB0Pg==)'],
  ['entities', '&lt;script&gt;window.__xss=7&lt;/script&gt; &#60;img src=x onerror=window.__xss=8&#62; &amp;'],
  ['link with handler in title', '[x](https://example.com "\\" onmouseover=\\"window.__xss=9")'],
  ['nested emphasis', '***bold italic*** **a _b ~~c `d` c~~ b_ a**'],
  ['4000 backticks', R('`')],
  ['4000 stars', R('*a')],
  ['deep quotes', R('> ')],
  ['deep lists', R('1. ')],
  ['brackets', R('[a](')],
  ['mixed', R('*_`~[<')],
];

test('the Markdown subset renders as elements; hostile input renders safely and fast', { timeout: 150_000 }, async () => {
  const { alice, bob, bobAcc, roomId } = await aliceAndBobInRoom(e2e, 'Formatting');
  await recordLongTasks(alice.context);
  await alice.page.reload();
  await openRoom(alice.page, roomId);

  await postMessage(e2e.webUrl, bobAcc, roomId, '**bold** _italic_ ~~gone~~ `code` [docs](https://example.com/docs)\n> quoted\n\n- one\n- two\n\n```\nconst a = 1;\n```');
  const first = alice.page.locator('[data-testid="message"] [data-testid="message-text"]').first();
  await first.locator('strong').waitFor();
  assert.equal(await first.locator('strong').textContent(), 'bold');
  assert.equal(await first.locator('em').textContent(), 'italic');
  assert.equal(await first.locator('del').textContent(), 'gone');
  assert.equal(await first.locator('code.md-code').textContent(), 'code');
  assert.equal(await first.locator('blockquote').textContent(), 'quoted');
  assert.equal(await first.locator('ul li').count(), 2);
  assert.equal(await first.locator('pre').textContent(), 'const a = 1;');
  const link = first.locator('a');
  assert.equal(await link.getAttribute('href'), 'https://example.com/docs');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await link.getAttribute('target'), '_blank');

  // One at a time, so a slow input is named: each must render without a long task.
  const slow: string[] = [];
  for (const [i, [name, body]] of HOSTILE.entries()) {
    await clearLongTasks(alice.page);
    await postMessage(e2e.webUrl, bobAcc, roomId, body);
    await alice.page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length === n, i + 2, { timeout: 10_000 });
    await alice.page.waitForTimeout(150);
    const tasks = (await longTasks(alice.page)).filter((ms) => ms > 50);
    if (tasks.length) slow.push(`${name}: ${tasks.join(', ')} ms`);
  }

  const report = await alice.page.evaluate(() => {
    const list = document.querySelector('[data-testid="message-list"]')!;
    const all = Array.from(list.querySelectorAll('*'));
    return {
      scripts: list.querySelectorAll('script, iframe, object, embed, img, svg image, form').length,
      handlers: all.filter((el) => Array.from(el.attributes).some((a) => /^on/i.test(a.name))).map((el) => el.outerHTML.slice(0, 80)),
      badLinks: Array.from(list.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '').filter((h) => !/^(https?:|mailto:)/i.test(h)),
      xss: (window as unknown as { __xss?: unknown }).__xss ?? null,
      texts: Array.from(list.querySelectorAll('[data-testid="message-text"]')).map((el) => el.textContent ?? ''),
    };
  });
  assert.equal(report.scripts, 0, 'no script, frame or image element');
  assert.deepEqual(report.handlers, [], 'no handler attribute');
  assert.deepEqual(report.badLinks, [], 'no link other than http(s) or mailto');
  assert.equal(report.xss, null);
  // Raw HTML and entities are shown as the text they stand for.
  assert.ok(report.texts.includes('<script>window.__xss = 1</script>'), 'the script tag is text');
  assert.ok(report.texts.some((t) => t.startsWith('<script>window.__xss=7</script> <img src=x onerror=window.__xss=8> &')), 'entities decode to text');
  assert.deepEqual(slow, [], 'long tasks (over 50 ms) while rendering');
  // Both sides show the same (bob's own bubbles render through the same path).
  assert.equal(await bob.page.locator('[data-testid="message-list"] script').count(), 0);
  assert.deepEqual(alice.errors, []);
});

test('opening a room with unread messages: the "New messages" line and a jump to it', { timeout: 150_000 }, async () => {
  const { alice, bobAcc, roomId } = await aliceAndBobInRoom(e2e, 'Unread line');
  await postMessage(e2e.webUrl, bobAcc, roomId, 'read before');
  await alice.page.locator('[data-testid="message"]').first().waitFor();
  // Alice leaves the room (history back to the list); 70 messages arrive: more than the first page.
  await alice.page.evaluate(() => history.back());
  await alice.page.waitForURL((u) => !u.pathname.startsWith('/c/'));
  const seqs: number[] = [];
  for (let i = 1; i <= 70; i++) seqs.push((await postMessage(e2e.webUrl, bobAcc, roomId, `unread ${i}`)).seq);
  await alice.page.waitForFunction(() => document.querySelector('[data-testid="unread-badge"]')?.textContent === '70');
  await openRoom(alice.page, roomId);

  const jump = alice.page.getByTestId('jump-to-unread');
  await jump.waitFor();
  assert.match((await jump.textContent()) ?? '', /70 messages/);
  await jump.click();
  const line = alice.page.getByTestId('unread-separator');
  await line.waitFor();
  // The line sits right before the first unread message, and is in view.
  const next = await line.evaluate((el) => {
    let n = el.nextElementSibling;
    while (n && n.getAttribute('data-testid') !== 'message') n = n.nextElementSibling;
    return n?.querySelector('[data-testid="message-text"]')?.textContent ?? null;
  });
  assert.equal(next, 'unread 1');
  const inView = await line.evaluate((el) => {
    const s = document.querySelector('[data-testid="message-list"]')!.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= s.top && r.bottom <= s.bottom;
  });
  assert.ok(inView, 'the line is scrolled into view');
  await jump.waitFor({ state: 'detached' });
  assert.deepEqual(alice.errors, []);
});
