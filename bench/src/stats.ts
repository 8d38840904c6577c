// Pure figures: percentiles, rates, ratios and target checks. No I/O, no clock: unit-tested.

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * The p-th percentile (0..100) of ascending `sorted`, nearest-rank method: the smallest sample that at
 * least p % of the samples do not exceed. NaN for no samples.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[rank - 1] as number;
}

/** Count, mean and the usual percentiles of unsorted samples (the input is not modified). */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    mean: n ? sum / n : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: n ? (sorted[n - 1] as number) : Number.NaN,
  };
}

/** Events per second over a window; 0 for an empty or invalid window. */
export function ratePerSecond(count: number, windowMs: number): number {
  return windowMs > 0 ? (count * 1000) / windowMs : 0;
}

/**
 * Events per CPU-second the measured processes used (`cpuPerSecond`: CPU seconds they burnt per wall
 * second). On a shared machine other jobs take cores away at random, which moves events/s a lot but
 * events per CPU-second much less. undefined when either figure is missing.
 */
export function perCpuSecond(ratePerSec: number | undefined, cpuPerSecond: number | undefined): number | undefined {
  return ratePerSec !== undefined && cpuPerSecond !== undefined && cpuPerSecond > 0 ? ratePerSec / cpuPerSecond : undefined;
}

/** value / reference, or NaN when the reference is not a positive number. */
export function ratio(value: number, reference: number): number {
  return reference > 0 && Number.isFinite(value) ? value / reference : Number.NaN;
}

/**
 * A target of the issue:
 * - `min-ratio`: value / reference must be at least `limit` (throughput against a ceiling);
 * - `max-ratio`: value / reference must be at most `limit` (memory against bare Socket.IO);
 * - `max`: value itself must be at most `limit` (a latency in ms).
 */
export type Target =
  | { kind: 'min-ratio'; limit: number }
  | { kind: 'max-ratio'; limit: number }
  | { kind: 'max'; limit: number };

export interface Verdict {
  /** undefined when a figure is missing (the phase did not run or failed). */
  met: boolean | undefined;
  /** The compared figure: the ratio for ratio targets, the value for `max`. */
  observed: number;
  /** How far from the limit, relative to it: +0.2 = 20 % better than needed, -0.3 = 30 % short. */
  margin: number;
  text: string;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}

/** A ratio against its limit: whole percents, or one decimal when whole ones would make them look equal. */
function pctAgainst(x: number, limit: number): string {
  return pct(x) === pct(limit) && x !== limit ? `${(x * 100).toFixed(1)} %` : pct(x);
}

export function evaluate(target: Target, value: number | undefined, reference?: number): Verdict {
  const missing = (why: string): Verdict => ({ met: undefined, observed: Number.NaN, margin: Number.NaN, text: `n/a (${why})` });
  if (value === undefined || !Number.isFinite(value)) return missing('no figure');
  if (target.kind === 'max') {
    const met = value <= target.limit;
    const margin = (target.limit - value) / target.limit;
    return {
      met,
      observed: value,
      margin,
      text: met ? `yes (${fmt(value)} ≤ ${fmt(target.limit)})` : `NO (${fmt(value)} > ${fmt(target.limit)}, ${pct(-margin)} over)`,
    };
  }
  if (reference === undefined || !(reference > 0)) return missing('no ceiling');
  const r = ratio(value, reference);
  if (target.kind === 'min-ratio') {
    const met = r >= target.limit;
    const margin = (r - target.limit) / target.limit;
    return {
      met,
      observed: r,
      margin,
      text: met
        ? `yes (${pctAgainst(r, target.limit)} ≥ ${pct(target.limit)})`
        : `NO (${pctAgainst(r, target.limit)} < ${pct(target.limit)}, ${pctAgainst(-margin, 0)} short)`,
    };
  }
  const met = r <= target.limit;
  const margin = (target.limit - r) / target.limit;
  return {
    met,
    observed: r,
    margin,
    text: met ? `yes (${r.toFixed(2)}× ≤ ${target.limit}×)` : `NO (${r.toFixed(2)}× > ${target.limit}×, ${pct(-margin)} over)`,
  };
}

/** A figure for a table: 3 significant digits, thousands grouped, `-` for missing. */
export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(2);
}
