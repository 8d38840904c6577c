import { z } from 'zod';
import { DEFAULT_SYNC_LIMIT, MAX_SYNC_LIMIT, messageSchema } from './messages';
import { intParam, seqSchema } from './primitives';

/** `room:changes` and `GET /rooms/:id/changes` page like `room:sync`: default 100, at most 500. */
export const DEFAULT_CHANGES_LIMIT = DEFAULT_SYNC_LIMIT;
export const MAX_CHANGES_LIMIT = MAX_SYNC_LIMIT;

/** `?afterRev=<rev>&limit=`: every message changed after `afterRev`, in rev order, each once. */
export const changesQuerySchema = z.strictObject({
  afterRev: intParam(0, Number.MAX_SAFE_INTEGER),
  limit: intParam(1, MAX_CHANGES_LIMIT).optional(),
});
export type ChangesQuery = z.infer<typeof changesQuerySchema>;

/** The messages changed after a rev (each in its latest state), and the room's current rev. */
export const changesPageSchema = z.object({
  messages: z.array(messageSchema),
  hasMore: z.boolean(),
  lastRev: seqSchema,
});
export type ChangesPage = z.infer<typeof changesPageSchema>;
