// Runs one k6 script the way `k6 run` does, on Node: init (the module, with __ENV), setup(),
// the scenarios' VUs and iterations, teardown(), the thresholds, then handleSummary(data) (or
// k6's text). Exit code as k6's: 0, 99 when a threshold failed, 104 for a bad config, 107 for a
// script error, 108 when the script aborted the test.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BUILTIN_METRICS, buildModules, type CheckCount, type StandinState } from './k6-modules';
import { installK6Loader } from './loader';
import { MetricStore } from './metrics';
import { ConfigError, planScenarios, type ScenarioPlan } from './scenarios';
import { buildSummary, type ThresholdSet, textSummary } from './summary-data';
import { checkAggregation, parseMetricKey, parseThreshold, ThresholdError } from './thresholds';
import { installGlobals, type VuContext, vuContext } from './vu-context';

export const EXIT = { ok: 0, thresholds: 99, config: 104, script: 107, aborted: 108 } as const;

export interface RunOptions {
  /** -e KEY=VALUE values, over the process environment (k6 includes system variables by default). */
  env: Record<string, string>;
  write(text: string): void;
  /** Where handleSummary's relative paths go (k6: the working directory). */
  cwd: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runScript(script: string, o: RunOptions): Promise<number> {
  const store = new MetricStore();
  const checks = new Map<string, CheckCount>();
  let aborted: string | undefined;
  const state: StandinState = { store, checks, abort: (reason) => (aborted ??= reason) };
  for (const [name, type, time] of BUILTIN_METRICS) store.define(name, type, time);
  const path = resolve(o.cwd, script);
  installK6Loader(buildModules(state), dirname(path));
  installGlobals(o.env);

  let mod: Record<string, any>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, any>;
  } catch (e) {
    console.error(`k6 stand-in: the script failed to load: ${(e as Error).stack ?? String(e)}`);
    return EXIT.script;
  }
  const options = (mod.options ?? {}) as Record<string, any>;
  let scenarios: ScenarioPlan[];
  let thresholds: ThresholdSet[];
  try {
    scenarios = planScenarios(options);
    for (const s of scenarios) if (typeof mod[s.exec] !== 'function') throw new ConfigError(`scenario ${s.name}: the script exports no function "${s.exec}"`);
    thresholds = Object.entries((options.thresholds ?? {}) as Record<string, unknown>).map(([key, list]) => {
      const metric = parseMetricKey(key);
      const def = store.metrics.get(metric.name);
      if (!def) throw new ThresholdError(`threshold on ${key}: no metric ${metric.name} (define it in the init context)`);
      const parsed = (Array.isArray(list) ? list : [list]).map((t) => parseThreshold(t as string));
      for (const t of parsed) checkAggregation(t, def.type, key);
      return { key, metric, list: parsed };
    });
  } catch (e) {
    if (!(e instanceof ConfigError || e instanceof ThresholdError)) throw e;
    console.error(`k6 stand-in: ${e.message}`);
    return EXIT.config;
  }

  const t0 = performance.now();
  let setupData: unknown;
  try {
    if (typeof mod.setup === 'function') setupData = JSON.parse(JSON.stringify((await mod.setup()) ?? null));
  } catch (e) {
    console.error(`k6 stand-in: setup() threw: ${(e as Error).stack ?? String(e)}`);
    return EXIT.script;
  }
  let nextVu = 1;
  await Promise.all(scenarios.map((s) => runScenario(s, mod, setupData, () => nextVu++, state, () => aborted !== undefined)));
  try {
    if (typeof mod.teardown === 'function') await mod.teardown(setupData);
  } catch (e) {
    console.error(`k6 stand-in: teardown() threw: ${(e as Error).stack ?? String(e)}`);
  }
  const { data, ok } = buildSummary(store.metrics, thresholds, [...checks.values()], performance.now() - t0);
  let outputs: Record<string, string> = { stdout: textSummary(data) };
  if (typeof mod.handleSummary === 'function') {
    try {
      outputs = (await mod.handleSummary(data)) as Record<string, string>;
    } catch (e) {
      console.error(`k6 stand-in: handleSummary() threw: ${(e as Error).stack ?? String(e)}`);
    }
  }
  for (const [where, text] of Object.entries(outputs ?? {})) {
    if (where === 'stdout') o.write(String(text));
    else if (where === 'stderr') process.stderr.write(String(text));
    else writeFileSync(resolve(o.cwd, where), String(text));
  }
  if (aborted) {
    console.error(`k6 stand-in: test aborted: ${aborted}`);
    return EXIT.aborted;
  }
  if (!ok) console.error('k6 stand-in: thresholds on metrics have been crossed');
  return ok ? EXIT.ok : EXIT.thresholds;
}

async function runScenario(s: ScenarioPlan, mod: Record<string, any>, data: unknown, vuId: () => number, state: StandinState, stopped: () => boolean): Promise<void> {
  await sleep(s.startTimeMs);
  const fn = mod[s.exec] as (d: unknown) => unknown;
  const start = performance.now();
  let sharedLeft = s.iterations;
  let inScenario = 0;
  const more = (done: number) => {
    if (stopped()) return false;
    const t = performance.now() - start;
    if (s.executor === 'constant-vus') return t < s.durationMs;
    if (t >= s.maxDurationMs) return false;
    if (s.executor === 'shared-iterations') return sharedLeft-- > 0;
    return done < s.iterations;
  };
  const vu = async (id: number) => {
    for (let iter = 0; more(iter); iter++) {
      const ctx: VuContext = { vu: id, iter, iterInScenario: inScenario++, scenario: s.name, sockets: new Set() };
      const t = performance.now();
      await vuContext.run(ctx, async () => {
        try {
          await fn(data);
          // k6 ends an iteration once its event loop is empty: here, once its WebSockets closed.
          if (ctx.sockets.size) await new Promise<void>((r) => (ctx.socketsClosed = r));
        } catch (e) {
          console.error(`k6 stand-in: VU ${id} iteration ${iter} (${s.name}): ${(e as Error).stack ?? String(e)}`);
        }
      });
      state.store.add('iterations', 'counter', 1, { scenario: s.name });
      state.store.add('iteration_duration', 'trend', performance.now() - t, { scenario: s.name }, true);
    }
  };
  const bound = (s.executor === 'constant-vus' ? s.durationMs : s.maxDurationMs) + s.gracefulStopMs;
  const all = Promise.all(Array.from({ length: s.vus }, () => vu(vuId())));
  const timer = new Promise<void>((r) => setTimeout(r, bound).unref());
  await Promise.race([all, timer]);
}
