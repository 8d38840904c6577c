/** The `exp` and `iat` claims (seconds) of a JWT, read without verifying: only to schedule a refresh. */
export function tokenTimes(token: string): { exp: number; iat: number } | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const claims = JSON.parse(json) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== 'number') return null;
    return { exp: claims.exp, iat: typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000) };
  } catch {
    return null;
  }
}
