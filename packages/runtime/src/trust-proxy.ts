/**
 * Express's `trust proxy` from TRUST_PROXY: a hop count, true/false, or a list of addresses and subnets.
 * Here, in the core, so every process (Nest services, the plain express web server) reads it alike.
 */
export function trustProxySetting(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
