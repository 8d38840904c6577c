// k6 threshold expressions (`p(95)<500`, `rate<0.01`, `count>=20`, `avg<200`, `med<=…`, `max…`,
// `min…`, `value…`) parsed and evaluated against a metric's summary values, and metric keys with a
// tag filter (`http_req_duration{name:login}`). Pure: the stand-in's whole verdict is here.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface Threshold {
  source: string;
  /** The summary value it reads: `avg`, `p(95)`, `rate`, … */
  aggregation: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  value: number;
  abortOnFail: boolean;
}

/** Which aggregations each metric type has (k6's table); a threshold asking another is an error. */
const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^(value)$/,
  rate: /^(rate)$/,
  trend: /^(avg|min|max|med|p\(\d+(\.\d+)?\))$/,
};

export class ThresholdError extends Error {}

export function parseThreshold(input: string | { threshold: string; abortOnFail?: boolean }): Threshold {
  const source = typeof input === 'string' ? input : input?.threshold;
  if (typeof source !== 'string') throw new ThresholdError(`a threshold is a string or {threshold: string}, got ${JSON.stringify(input)}`);
  const m = /^\s*([a-z]+(?:\(\s*\d+(?:\.\d+)?\s*\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i.exec(source);
  if (!m) throw new ThresholdError(`cannot parse threshold "${source}": expected <aggregation> <op> <number>, e.g. p(95)<500`);
  const aggregation = (m[1] as string).replace(/\s+/g, '');
  if (/^p\(/.test(aggregation)) {
    const p = Number(aggregation.slice(2, -1));
    if (!(p >= 0 && p <= 100)) throw new ThresholdError(`threshold "${source}": a percentile is within 0..100`);
  }
  return {
    source,
    aggregation,
    op: m[2] as Threshold['op'],
    value: Number(m[3]),
    abortOnFail: typeof input === 'object' && input.abortOnFail === true,
  };
}

/** Does `t` hold for these summary values? A missing value (no sample) fails it, as a hidden pass would mislead. */
export function thresholdHolds(t: Threshold, values: Record<string, number>): boolean {
  const v = values[t.aggregation];
  if (v === undefined || Number.isNaN(v)) return false;
  switch (t.op) {
    case '<':
      return v < t.value;
    case '<=':
      return v <= t.value;
    case '>':
      return v > t.value;
    case '>=':
      return v >= t.value;
    case '==':
    case '===':
      return v === t.value;
    case '!=':
      return v !== t.value;
  }
}

export function checkAggregation(t: Threshold, type: MetricType, metric: string): void {
  if (!AGGREGATIONS[type].test(t.aggregation)) {
    throw new ThresholdError(`threshold "${t.source}" on ${metric}: a ${type} metric has no "${t.aggregation}"`);
  }
}

export interface MetricKey {
  name: string;
  /** Tag filter of a sub-metric: every sample with all these tags. */
  tags: Record<string, string>;
}

/** `name` or `name{tag:value,tag2:value2}`. */
export function parseMetricKey(key: string): MetricKey {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\{([^}]*)\})?$/.exec(key.trim());
  if (!m) throw new ThresholdError(`cannot parse metric "${key}": expected name or name{tag:value}`);
  const tags: Record<string, string> = {};
  for (const part of (m[2] ?? '').split(',').filter((p) => p.trim())) {
    const i = part.indexOf(':');
    if (i <= 0) throw new ThresholdError(`metric "${key}": a tag filter is tag:value`);
    tags[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return { name: m[1] as string, tags };
}
