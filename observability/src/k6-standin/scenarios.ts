// k6's `options` → the scenarios the stand-in runs: `per-vu-iterations`, `shared-iterations` and
// `constant-vus`, or the `vus` / `iterations` / `duration` shortcuts. Pure: options in, plans out.
import { parseDuration } from './k6-modules';

export interface ScenarioPlan {
  name: string;
  executor: 'per-vu-iterations' | 'shared-iterations' | 'constant-vus';
  vus: number;
  /** per-vu: each VU's; shared: the total. */
  iterations: number;
  /** constant-vus: how long VUs start new iterations. */
  durationMs: number;
  /** per-vu / shared: the whole scenario's bound (k6's maxDuration, default 10m). */
  maxDurationMs: number;
  /** Iterations still running at the end get this long to finish (k6's gracefulStop, default 30s). */
  gracefulStopMs: number;
  startTimeMs: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
}

export class ConfigError extends Error {}

const positiveInt = (v: unknown, what: string, def: number): number => {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || (v as number) < 1) throw new ConfigError(`${what} must be a whole number ≥ 1, got ${JSON.stringify(v)}`);
  return v as number;
};

const duration = (v: unknown, what: string, def: string): number => {
  try {
    return parseDuration(String(v ?? def));
  } catch (e) {
    throw new ConfigError(`${what}: ${(e as Error).message}`);
  }
};

export function planScenarios(options: Record<string, any>): ScenarioPlan[] {
  const scenarios: Record<string, any> = options.scenarios ?? {
    default: options.duration
      ? { executor: 'constant-vus', vus: options.vus ?? 1, duration: options.duration }
      : { executor: 'shared-iterations', vus: options.vus ?? 1, iterations: options.iterations ?? 1 },
  };
  return Object.entries(scenarios).map(([name, s]) => {
    const where = `scenario ${name}`;
    if (!['per-vu-iterations', 'shared-iterations', 'constant-vus'].includes(s?.executor)) {
      throw new ConfigError(`${where}: executor "${s?.executor}" is not in the stand-in (per-vu-iterations, shared-iterations, constant-vus)`);
    }
    const vus = positiveInt(s.vus, `${where}: vus`, 1);
    if (s.executor === 'constant-vus' && s.duration === undefined) throw new ConfigError(`${where}: constant-vus needs a duration`);
    return {
      name,
      executor: s.executor,
      vus,
      iterations: positiveInt(s.iterations, `${where}: iterations`, s.executor === 'shared-iterations' ? vus : 1),
      durationMs: s.executor === 'constant-vus' ? duration(s.duration, `${where}: duration`, '0s') : 0,
      maxDurationMs: duration(s.maxDuration, `${where}: maxDuration`, '10m'),
      gracefulStopMs: duration(s.gracefulStop, `${where}: gracefulStop`, '30s'),
      startTimeMs: duration(s.startTime, `${where}: startTime`, '0s'),
      exec: typeof s.exec === 'string' ? s.exec : 'default',
      env: s.env && typeof s.env === 'object' ? (s.env as Record<string, string>) : {},
      tags: s.tags && typeof s.tags === 'object' ? (s.tags as Record<string, string>) : {},
    };
  });
}
