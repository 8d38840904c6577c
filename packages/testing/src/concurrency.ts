/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of the list; resolves when all
 * have settled. `fn` handles its own failures (a load tool counts them instead of stopping).
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
