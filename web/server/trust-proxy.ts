/**
 * Express's `trust proxy` from TRUST_PROXY: a hop count, true/false, or a list of addresses and subnets.
 * The same as @converge/runtime's bootstrap, which cannot be imported here without loading NestJS.
 */
export function trustProxySetting(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
