import Redis from 'ioredis';

// ioredis, set up for the operator's short, one-shot conversations with a pod: no retries, no offline
// queue, short timeouts (an unreachable pod must cost a pass about a second, not hang it).

export interface Target {
  /** The pod's name. */
  name: string;
  /** Where the operator connects (the pod IP; 127.0.0.1 in the loopback test). */
  host: string;
  port: number;
}

export async function withConnection<T>(t: Target, password: string | undefined, run: (c: Redis) => Promise<T>, timeoutMs = 1500): Promise<T> {
  const c = new Redis({
    host: t.host,
    port: t.port,
    ...(password ? { password } : {}),
    lazyConnect: true,
    connectTimeout: Math.min(1000, timeoutMs),
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    retryStrategy: () => null,
  });
  c.on('error', () => undefined); // the failed command says it; the event would crash the process
  try {
    await c.connect();
    return await run(c);
  } finally {
    c.disconnect();
  }
}

/** `k:v` lines of an INFO section. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** Sentinel's flat `[k1, v1, k2, v2…]` replies as an object. */
export function pairs(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}
