import { AppError, emojiSchema, parseOrThrow, roomIdParamSchema, seqParamSchema, uuidSchema } from '@converge/protocol';

/**
 * Path and argument values that REST and GraphQL hand the domain, parsed once at the edge.
 * An id that is not a UUID (or a seq that is not one) names nothing anybody may know: NOT_FOUND, as for
 * a room the caller is not a member of.
 */
export function roomIdOf(raw: unknown): string {
  const r = roomIdParamSchema.safeParse(raw);
  if (!r.success) throw new AppError('NOT_FOUND', 'no such room');
  return r.data;
}

export function seqOf(raw: unknown): number {
  const r = seqParamSchema.safeParse(raw);
  if (!r.success) throw new AppError('NOT_FOUND', 'no such message');
  return r.data;
}

export function memberIdOf(raw: unknown): string {
  const r = uuidSchema.safeParse(raw);
  if (!r.success) throw new AppError('NOT_FOUND', 'no such member');
  return r.data;
}

/** An emoji names something a client chose, not a stored thing: a malformed one is VALIDATION_FAILED. */
export function emojiOf(raw: unknown): string {
  return parseOrThrow(emojiSchema, raw);
}
