// Which VU and iteration the running code belongs to. k6 gives each VU its own JavaScript runtime;
// the stand-in runs every VU on one event loop, so it carries the VU through async continuations
// (AsyncLocalStorage) and the globals __VU and __ITER read it from there.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface VuContext {
  vu: number;
  iter: number;
  /** The iteration number within its scenario, over all VUs. */
  iterInScenario: number;
  scenario: string;
  /** WebSockets of this iteration still open: k6 ends an iteration only once they are closed. */
  sockets: Set<{ close(): void }>;
  socketsClosed?: () => void;
}

export const vuContext = new AsyncLocalStorage<VuContext>();

/** Outside any iteration (init, setup, teardown): VU 0, as in k6. */
export function currentVu(): VuContext {
  return vuContext.getStore() ?? { vu: 0, iter: 0, iterInScenario: 0, scenario: '', sockets: new Set() };
}

export function installGlobals(env: Record<string, string>): void {
  const g = globalThis as Record<string, unknown>;
  g.__ENV = env;
  for (const [name, read] of [
    ['__VU', () => currentVu().vu],
    ['__ITER', () => currentVu().iter],
  ] as const) {
    Object.defineProperty(globalThis, name, { get: read, configurable: true });
  }
}
