import { z } from 'zod';

export const uuidSchema = z.uuid();

/** Characters as a person counts them (code points), not UTF-16 units. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A string whose trimmed length (in characters) lies within [min, max]; the value itself is kept as sent. */
export function trimmedText(min: number, max: number, what: string) {
  return z
    .string()
    .max(max * 4, `${what} must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      // One trim and at most one count per parse (this runs on every message sent). Code points lie
      // between half the UTF-16 length and the length, so most strings need no count at all.
      const t = s.trim();
      const n = t.length <= max && Math.ceil(t.length / 2) >= min ? min : charCount(t);
      if (n < min) ctx.addIssue({ code: 'custom', message: `${what} must not be empty` });
      else if (n > max) ctx.addIssue({ code: 'custom', message: `${what} must be at most ${max} characters` });
    });
}

/** A non-negative integer that arrives as a query-string (digits only) or as a number. */
export function intParam(min: number, max: number) {
  return z.union([
    z.number().int().min(min).max(max),
    z
      .string()
      .regex(/^\d{1,15}$/, 'must be an integer')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  ]);
}

export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const isoDateSchema = z.iso.datetime({ offset: true });
