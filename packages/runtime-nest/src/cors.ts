import type { NextFunction, Request, Response } from 'express';

const ALLOWED_METHODS = 'GET, POST, PATCH, PUT, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept';

/**
 * CORS for exactly the configured origins. A browser from any other origin gets no
 * Access-Control-Allow-* header at all (so it may not read the answer); the Origin is never echoed
 * unless it is on the list, since the answer allows credentials. With no origins: same-origin only.
 */
export function corsForOrigins(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    // Caches must keep one answer per Origin, allowed or not.
    if (allowed.size) res.vary('Origin');
    const ok = typeof origin === 'string' && allowed.has(origin);
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      // A preflight is answered here, allowed or not: no route ever sees it.
      if (ok) {
        res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
