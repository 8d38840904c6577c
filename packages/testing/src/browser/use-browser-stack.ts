// The opening every web e2e file shared: a stack (the run's shared one, or its own), a browser,
// both started before the file's tests and closed after them.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { DESKTOP, launchBrowser, openApp, type UserPage } from './browser';
import { type Stack, type StackHandle, startStack, useStack } from './stack';

export interface BrowserStack<S extends StackHandle = StackHandle> {
  readonly stack: S;
  readonly webUrl: string;
  readonly browser: Browser;
  /** A page of its own (a fresh browser context) on the app's start page. */
  open(viewport?: { width: number; height: number }): Promise<UserPage>;
}

/**
 * Registers `before`/`after` hooks for this test file. `ownStack` gives a stack of the file's own
 * (for a test that stops or restarts a service); otherwise the run's shared stack (`useStack`).
 */
export function useBrowserStack(name: string): BrowserStack;
export function useBrowserStack(name: string, opts: { ownStack: true; accessTtlSeconds?: number }): BrowserStack<Stack>;
export function useBrowserStack(name: string, opts: { ownStack?: boolean; accessTtlSeconds?: number } = {}): BrowserStack<StackHandle> {
  let stack: StackHandle | undefined;
  let browser: Browser | undefined;
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is used before the file's before() hook ran`);
    return v;
  };
  before(async () => {
    stack = opts.ownStack
      ? await startStack(name, opts.accessTtlSeconds === undefined ? {} : { accessTtlSeconds: opts.accessTtlSeconds })
      : await useStack(name);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });
  return {
    get stack() {
      return ready(stack, 'the stack');
    },
    get webUrl() {
      return ready(stack, 'the stack').webUrl;
    },
    get browser() {
      return ready(browser, 'the browser');
    },
    open(viewport = DESKTOP) {
      return openApp(ready(browser, 'the browser'), ready(stack, 'the stack').webUrl, viewport);
    },
  };
}
