// The chat's group commits during a phase, read from its pods' /metrics (chat_send_batch_size):
// how many statements carried the phase's sends, and how many sends each carried on average.

/**
 * `<name>_sum` and `<name>_count` of a histogram in Prometheus' text format, added over its label
 * sets (the service's default labels among them); 0 when absent.
 */
export function histogramTotals(text: string, name: string): { sum: number; count: number } {
  const read = (series: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${series} `) || l.startsWith(`${series}{`))
      .reduce((total, l) => total + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { sum: read(`${name}_sum`), count: read(`${name}_count`) };
}

export interface BatchFigures {
  /** Group commits per second over the window. */
  perSec: number;
  /** Sends per group commit. */
  meanSize: number;
}

/** Totals over every pod that serves metrics (none: undefined). */
export async function readBatchTotals(metricsUrls: (string | undefined)[]): Promise<{ sum: number; count: number } | undefined> {
  const urls = metricsUrls.filter((u): u is string => Boolean(u));
  if (!urls.length) return undefined;
  const texts = await Promise.all(urls.map(async (u) => (await fetch(u)).text()));
  return texts.map((t) => histogramTotals(t, 'chat_send_batch_size')).reduce((a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }));
}

/** The window between two readings. */
export function batchFigures(before: { sum: number; count: number }, after: { sum: number; count: number }, seconds: number): BatchFigures | undefined {
  const batches = after.count - before.count;
  if (batches <= 0 || seconds <= 0) return undefined;
  return { perSec: batches / seconds, meanSize: (after.sum - before.sum) / batches };
}
