import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** A larger cap for some paths (GraphQL documents are bigger than REST bodies). */
export interface PathBodyLimit {
  paths: readonly string[];
  limit: string | number;
}

function parsersFor(limit: string | number): RequestHandler[] {
  return [express.json({ limit, strict: true }), express.raw({ limit, type: () => true })];
}

function chain(handlers: RequestHandler[], req: Request, res: Response, next: NextFunction): void {
  const [first, ...rest] = handlers;
  if (!first) return next();
  first(req, res, (err?: unknown) => (err ? next(err) : chain(rest, req, res, next)));
}

/**
 * One body cap for every content type. JSON is parsed (strict) as before; any other body
 * (`application/graphql`, text, none declared) is read as raw bytes under the same limit, so no
 * handler downstream (yoga reads its own bodies otherwise) can be fed more than the cap. Over it: 413.
 */
export function cappedBodyParsers(defaultLimit: string | number, perPath: readonly PathBodyLimit[] = []): RequestHandler {
  const fallback = parsersFor(defaultLimit);
  const byPath = new Map<string, RequestHandler[]>();
  for (const p of perPath) {
    const parsers = parsersFor(p.limit);
    for (const path of p.paths) byPath.set(path, parsers);
  }
  return (req, res, next) => chain(byPath.get(req.path) ?? fallback, req, res, next);
}
