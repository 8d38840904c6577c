// The stand-in's metric store: every sample with its tags, and k6's summary values per metric type
// (counter: count, rate; gauge: value, min, max; rate: rate, passes, fails; trend: avg, min, med,
// max, p(N)). Samples are kept whole: the stand-in runs smoke-sized tests, not hours of load.
import type { MetricType } from './thresholds';

export interface Sample {
  value: number;
  tags: Record<string, string>;
}

export interface MetricDef {
  name: string;
  type: MetricType;
  /** `time` for trends of milliseconds (k6's isTime), else `default`. */
  contains: 'time' | 'default';
  samples: Sample[];
}

export class MetricStore {
  readonly metrics = new Map<string, MetricDef>();

  define(name: string, type: MetricType, isTime = false): MetricDef {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw new Error(`invalid metric name "${name}"`);
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric ${name} is already a ${existing.type}`);
      return existing;
    }
    const def: MetricDef = { name, type, contains: isTime ? 'time' : 'default', samples: [] };
    this.metrics.set(name, def);
    return def;
  }

  add(name: string, type: MetricType, value: number, tags: Record<string, string> = {}, isTime = false): void {
    const def = this.define(name, type, isTime);
    def.samples.push({ value, tags });
  }
}

/** k6's percentile: linear interpolation between the closest ranks of the sorted samples. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (i - lo);
}

/** The summary values of these samples; `extra` names further aggregations to compute (p(99) of a threshold). */
export function metricValues(type: MetricType, samples: Sample[], durationSec: number, extra: string[] = []): Record<string, number> {
  const vals = samples.map((s) => s.value);
  switch (type) {
    case 'counter': {
      const count = vals.reduce((a, b) => a + b, 0);
      return { count, rate: durationSec > 0 ? count / durationSec : 0 };
    }
    case 'gauge':
      return vals.length ? { value: vals[vals.length - 1] as number, min: Math.min(...vals), max: Math.max(...vals) } : { value: Number.NaN, min: Number.NaN, max: Number.NaN };
    case 'rate': {
      const passes = vals.filter((v) => v !== 0).length;
      return { rate: vals.length ? passes / vals.length : Number.NaN, passes, fails: vals.length - passes };
    }
    case 'trend': {
      const sorted = [...vals].sort((a, b) => a - b);
      const out: Record<string, number> = {
        avg: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN,
        min: sorted.length ? (sorted[0] as number) : Number.NaN,
        med: percentile(sorted, 50),
        max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
        'p(90)': percentile(sorted, 90),
        'p(95)': percentile(sorted, 95),
      };
      for (const e of extra) {
        const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(e);
        if (m) out[e] = percentile(sorted, Number(m[1]));
      }
      return out;
    }
  }
}

export function matchesTags(sample: Sample, filter: Record<string, string>): boolean {
  return Object.entries(filter).every(([k, v]) => sample.tags[k] === v);
}
