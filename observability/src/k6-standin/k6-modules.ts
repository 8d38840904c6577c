// The few k6 modules our scripts import, implemented on Node: `k6` (check, group, fail),
// `k6/http` (asyncRequest, expectedStatuses, over fetch), `k6/websockets` (WebSocket, over Node's
// built-in WebSocket client), `k6/metrics` (Counter, Gauge, Rate, Trend) and `k6/execution` (the VU,
// iteration, scenario and test.abort). Each records k6's built-in metrics under k6's names and tags.
// Anything else a script imports is refused by the loader with a clear message.
import { performance } from 'node:perf_hooks';
import type { MetricStore } from './metrics';
import type { MetricType } from './thresholds';
import { currentVu } from './vu-context';

export interface CheckCount {
  name: string;
  passes: number;
  fails: number;
}

/** What one run shares between the modules and the runner. */
export interface StandinState {
  store: MetricStore;
  checks: Map<string, CheckCount>;
  abort(reason: string): void;
}

/** k6's built-in metrics the modules below record; defined up front so thresholds may name them. */
export const BUILTIN_METRICS: Array<[string, MetricType, boolean]> = [
  ['checks', 'rate', false],
  ['iterations', 'counter', false],
  ['iteration_duration', 'trend', true],
  ['http_reqs', 'counter', false],
  ['http_req_duration', 'trend', true],
  ['http_req_failed', 'rate', false],
  ['ws_sessions', 'counter', false],
  ['ws_connecting', 'trend', true],
  ['ws_session_duration', 'trend', true],
  ['ws_msgs_sent', 'counter', false],
  ['ws_msgs_received', 'counter', false],
];

const scenarioTags = (): Record<string, string> => {
  const s = currentVu().scenario;
  return s ? { scenario: s } : {};
};

function stringTags(tags: unknown): Record<string, string> {
  if (!tags || typeof tags !== 'object') return {};
  return Object.fromEntries(Object.entries(tags as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function k6Core(state: StandinState) {
  return {
    check(value: unknown, sets: Record<string, unknown>, tags?: Record<string, unknown>): boolean {
      let all = true;
      for (const [name, fn] of Object.entries(sets ?? {})) {
        let ok: boolean;
        try {
          ok = typeof fn === 'function' ? Boolean(fn(value)) : Boolean(fn);
        } catch {
          ok = false;
        }
        all &&= ok;
        state.store.add('checks', 'rate', ok ? 1 : 0, { ...scenarioTags(), check: name, ...stringTags(tags) });
        const c = state.checks.get(name) ?? { name, passes: 0, fails: 0 };
        if (ok) c.passes++;
        else c.fails++;
        state.checks.set(name, c);
      }
      return all;
    },
    group<T>(_name: string, fn: () => T): T {
      return fn();
    },
    fail(message?: string): never {
      throw new Error(message ?? 'fail() called');
    },
    sleep(): never {
      // k6's sleep blocks its VU's own runtime; here every VU shares one event loop, so it cannot.
      throw new Error('sleep() is not in the stand-in: await new Promise((r) => setTimeout(r, ms)) instead (k6 runs that too)');
    },
  };
}

interface ExpectedStatuses {
  __expected: Array<number | { min: number; max: number }>;
}

class K6Response {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string | null,
    readonly headers: Record<string, string>,
    readonly timings: { duration: number },
    readonly error: string,
    readonly error_code: number,
  ) {}

  json(selector?: string): unknown {
    if (this.body === null) throw new Error(`no body to parse (status ${this.status}${this.error ? `, ${this.error}` : ''})`);
    const v = JSON.parse(this.body) as unknown;
    if (!selector) return v;
    // k6 takes a gjson path; the stand-in takes its dotted subset (a.b.0.c).
    return selector.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
  }
}

function isExpected(status: number, cb: ExpectedStatuses | undefined): boolean {
  if (!cb) return status >= 200 && status < 400;
  return cb.__expected.some((e) => (typeof e === 'number' ? e === status : status >= e.min && status <= e.max));
}

function timeoutMs(t: unknown): number {
  if (typeof t === 'number') return t;
  if (typeof t === 'string') return parseDuration(t);
  return 60_000;
}

/** k6 durations: `500ms`, `30s`, `1m30s`, `2h`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let used = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    used += m[0].length;
  }
  if (used === 0 || used !== text.length) throw new Error(`cannot parse duration "${text}" (e.g. 500ms, 30s, 1m30s)`);
  return total;
}

function k6Http(state: StandinState) {
  let defaultCallback: ExpectedStatuses | undefined;
  return {
    expectedStatuses(...codes: Array<number | { min: number; max: number }>): ExpectedStatuses {
      return { __expected: codes };
    },
    setResponseCallback(cb: ExpectedStatuses | undefined) {
      defaultCallback = cb;
    },
    async asyncRequest(method: string, url: string, body?: unknown, params: Record<string, any> = {}): Promise<K6Response> {
      if (method !== method.toUpperCase()) throw new Error(`asyncRequest: the method must be uppercase, got "${method}"`);
      const headers: Record<string, string> = stringTags(params.headers);
      let payload: string | undefined;
      if (typeof body === 'string') payload = body;
      else if (body && typeof body === 'object') {
        payload = new URLSearchParams(stringTags(body)).toString();
        headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      }
      const t0 = performance.now();
      let res: K6Response;
      try {
        const r = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs(params.timeout)), redirect: params.redirects === 0 ? 'manual' : 'follow' });
        const text = await r.text();
        res = new K6Response(r.url || url, r.status, text, Object.fromEntries(r.headers), { duration: performance.now() - t0 }, '', 0);
      } catch (e) {
        // k6 answers a failed request with status 0 and an error (1000-series codes), never a throw.
        res = new K6Response(url, 0, null, {}, { duration: performance.now() - t0 }, String((e as Error).message), 1000);
      }
      const cb = 'responseCallback' in params ? (params.responseCallback as ExpectedStatuses | undefined) : defaultCallback;
      const expected = res.status !== 0 && isExpected(res.status, cb);
      const tags = { ...scenarioTags(), method, url, name: url, status: String(res.status), expected_response: String(expected), ...stringTags(params.tags) };
      state.store.add('http_reqs', 'counter', 1, tags);
      state.store.add('http_req_duration', 'trend', res.timings.duration, tags, true);
      state.store.add('http_req_failed', 'rate', expected ? 0 : 1, tags);
      return res;
    },
  };
}

type Listener = (event: any) => void;

function k6WebSockets(state: StandinState) {
  class K6WebSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    onopen: Listener | null = null;
    onmessage: Listener | null = null;
    onerror: Listener | null = null;
    onclose: Listener | null = null;
    onping: Listener | null = null;
    onpong: Listener | null = null;
    binaryType = 'blob';
    private readonly listeners = new Map<string, Listener[]>();
    private readonly ws: WebSocket;
    private readonly ctx = currentVu();
    private readonly tags: Record<string, string>;
    private readonly t0 = performance.now();

    constructor(
      readonly url: string,
      protocols?: string | string[] | null,
      params: Record<string, any> = {},
    ) {
      this.tags = { ...scenarioTags(), url, ...stringTags(params?.tags) };
      // Node's WebSocket (undici) takes headers through its dispatcher only; the scripts send none.
      this.ws = new WebSocket(url, protocols ?? undefined);
      this.ctx.sockets.add(this);
      state.store.add('ws_sessions', 'counter', 1, this.tags);
      this.ws.addEventListener('open', () => {
        state.store.add('ws_connecting', 'trend', performance.now() - this.t0, this.tags, true);
        this.emit('open', { type: 'open' });
      });
      this.ws.addEventListener('message', (e) => {
        state.store.add('ws_msgs_received', 'counter', 1, this.tags);
        this.emit('message', { type: 'message', data: e.data });
      });
      this.ws.addEventListener('error', (e) => this.emit('error', { type: 'error', error: String((e as unknown as { message?: string }).message ?? "websocket error") }));
      this.ws.addEventListener('close', (e) => {
        state.store.add('ws_session_duration', 'trend', performance.now() - this.t0, this.tags, true);
        this.emit('close', { type: 'close', code: e.code, reason: e.reason });
        this.ctx.sockets.delete(this);
        if (this.ctx.sockets.size === 0) this.ctx.socketsClosed?.();
      });
    }

    get readyState(): number {
      return this.ws.readyState;
    }

    send(data: string | ArrayBuffer): void {
      this.ws.send(data);
      state.store.add('ws_msgs_sent', 'counter', 1, this.tags);
    }

    close(code?: number, reason?: string): void {
      this.ws.close(code ?? 1000, reason);
    }

    ping(): void {
      // Not reachable through Node's WebSocket; the scripts speak Engine.IO pings in messages instead.
    }

    addEventListener(event: string, fn: Listener): void {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    }

    private emit(event: string, payload: unknown): void {
      const own = (this as unknown as Record<string, Listener | null>)[`on${event}`];
      for (const fn of [own, ...(this.listeners.get(event) ?? [])]) {
        if (!fn) continue;
        try {
          fn(payload);
        } catch (e) {
          // k6 reports a throwing handler and goes on; so does the stand-in.
          console.error(`websocket ${event} handler threw: ${(e as Error).stack ?? String(e)}`);
        }
      }
    }
  }
  return { WebSocket: K6WebSocket };
}

function k6Metrics(state: StandinState) {
  const metric = (type: MetricType) =>
    class {
      readonly name: string;
      constructor(name: string, readonly isTime = false) {
        state.store.define(name, type, isTime);
        this.name = name;
      }
      add(value: number | boolean, tags?: Record<string, unknown>): void {
        const v = typeof value === 'boolean' ? Number(value) : Number(value);
        if (!Number.isFinite(v)) throw new Error(`${this.name}.add: not a number: ${String(value)}`);
        state.store.add(this.name, type, v, { ...scenarioTags(), ...stringTags(tags) }, this.isTime);
      }
    };
  return { Counter: metric('counter'), Gauge: metric('gauge'), Rate: metric('rate'), Trend: metric('trend') };
}

function k6Execution(state: StandinState) {
  return {
    default: {
      get vu() {
        const c = currentVu();
        return { idInTest: c.vu, idInInstance: c.vu, iterationInScenario: c.iter, iterationInInstance: c.iter };
      },
      get scenario() {
        const c = currentVu();
        return { name: c.scenario, iterationInTest: c.iterInScenario };
      },
      test: {
        abort(reason = 'test aborted') {
          state.abort(reason);
          throw new Error(`test aborted: ${reason}`);
        },
      },
    },
  };
}

/** Module name → its exports (`default` for the default export). */
export function buildModules(state: StandinState): Record<string, Record<string, unknown>> {
  const core = k6Core(state);
  const http = k6Http(state);
  return {
    k6: { ...core, default: core },
    'k6/http': { ...http, default: http },
    'k6/websockets': k6WebSockets(state),
    'k6/metrics': k6Metrics(state),
    'k6/execution': k6Execution(state),
  };
}
