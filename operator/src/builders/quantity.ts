const UNITS: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** Bytes in a Kubernetes quantity of the form the CRDs accept (`256Mi`, `1G`, `1.5Gi`, `1000000`). */
export function quantityBytes(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(q);
  if (!m) throw new Error(`not a Kubernetes quantity: ${q}`);
  return Math.floor(Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1));
}
