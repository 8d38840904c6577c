import type { z } from 'zod';
import { AppError } from './errors';

/** Parses `input` with `schema`, or throws VALIDATION_FAILED naming each failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 10).map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }));
  const first = issues[0];
  const message = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'invalid input';
  throw new AppError('VALIDATION_FAILED', message, { issues });
}
