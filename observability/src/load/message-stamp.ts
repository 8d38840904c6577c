// The send time travels in the message body, so any client process on the same machine can tell a
// delivery's latency without matching it to its send. Pure: text in, text out.

const TAG = 'load';

/** `load|<runId>|<epoch ms, 3 decimals>|` padded with `x` to `chars` characters. */
export function stampBody(runId: string, sentAtMs: number, chars: number): string {
  const head = `${TAG}|${runId}|${sentAtMs.toFixed(3)}|`;
  return head + 'x'.repeat(Math.max(0, chars - head.length));
}

/** The send time of a body stamped by this run, or undefined (another run's, or not ours). */
export function readStamp(body: unknown, runId: string): number | undefined {
  if (typeof body !== 'string') return undefined;
  const prefix = `${TAG}|${runId}|`;
  if (!body.startsWith(prefix)) return undefined;
  const end = body.indexOf('|', prefix.length);
  const t = Number(body.slice(prefix.length, end < 0 ? undefined : end));
  return end > prefix.length && Number.isFinite(t) ? t : undefined;
}
