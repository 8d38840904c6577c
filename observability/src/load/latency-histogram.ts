// Latencies in hdr-histogram-js histograms (microsecond resolution, 3 significant digits), sent from
// the client processes as compressed base64 and merged in the main one.
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function newLatencyHistogram(): Histogram {
  // Plain JS (no WebAssembly to initialise), growing past the first hour if it must.
  return build({ numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, autoResize: true });
}

/** Milliseconds in, stored as whole microseconds; a negative value (clock step) counts as 0. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(0, Math.round(ms * 1000)));
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

/** One histogram holding every encoded one. */
export function mergeHistograms(encoded: string[]): Histogram {
  const total = newLatencyHistogram();
  for (const e of encoded) {
    const h = decodeFromCompressedBase64(e);
    total.add(h);
    h.destroy();
  }
  return total;
}

export function summarizeHistogram(h: Histogram): LatencySummary {
  const ms = (us: number) => (h.totalCount ? us / 1000 : Number.NaN);
  return {
    count: h.totalCount,
    meanMs: ms(h.mean),
    p50Ms: ms(h.getValueAtPercentile(50)),
    p95Ms: ms(h.getValueAtPercentile(95)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    maxMs: ms(h.maxValue),
  };
}
