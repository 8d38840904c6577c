// Debian's Chromium driven by playwright-core, and the UI steps every test shares.
import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Background tabs must keep their timers and sockets: two users share one browser here.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 30_000 });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and CSP violations in the page (a test fails on any). */
  errors: string[];
}

export async function openApp(browser: Browser, baseUrl: string, viewport = DESKTOP): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    // A phone: touch, no hover (message actions appear on tap), double density.
    deviceScaleFactor: viewport.width < 500 ? 2 : 1,
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A Content-Security-Policy violation means the app relies on something the server forbids.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) errors.push(m.text());
  });
  await page.goto('/');
  return { context, page, errors };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(3).toString('hex')}`;
}

export const PASSWORD = 'correct horse battery';

export async function registerViaUi(page: Page, username: string, displayName: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('me-name').waitFor();
}

export async function loginViaUi(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('me-name').waitFor();
}

/** New conversation → Group: a name, members picked by searching their usernames. */
export async function createGroupViaUi(page: Page, name: string, members: string[]): Promise<string> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('tab', { name: 'Group' }).click();
  await page.getByLabel('Group name').fill(name);
  for (const username of members) {
    await page.getByTestId('user-search').fill(username);
    await page.locator(`[data-testid="user-result"][data-username="${username}"]`).click();
  }
  await page.getByRole('button', { name: /^Create group/ }).click();
  await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
  await page.getByTestId('chat-title').filter({ hasText: name }).waitFor();
  return page.url().split('/c/')[1]!;
}

export async function openRoom(page: Page, roomId: string): Promise<void> {
  await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click();
  await page.getByTestId('message-list').waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Confirmed messages in the open conversation, in DOM order: [seq, text]. */
export async function confirmedMessages(page: Page): Promise<{ seq: number; text: string }[]> {
  return page.$$eval('[data-testid="message"]', (els) =>
    els.map((el) => ({
      seq: Number(el.getAttribute('data-seq')),
      text: el.querySelector('[data-testid="message-text"]')?.textContent ?? '',
    })),
  );
}

export async function unreadBadge(page: Page, roomId: string): Promise<number> {
  const badge = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"] [data-testid="unread-badge"]`);
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.textContent());
}
