import { z } from 'zod';
import { intParam, isoDateSchema, uuidSchema } from './primitives';

export const DEFAULT_PUBLIC_ROOMS_LIMIT = 20;
export const MAX_PUBLIC_ROOMS_LIMIT = 50;
/** A cursor is opaque to clients; this bounds what the service will try to read. */
export const MAX_CURSOR_CHARS = 400;

/**
 * `GET /rooms/public?search=<prefix>&limit=&cursor=`: public rooms whose name starts with `search`
 * (case-insensitive; empty or absent: all), by name, `cursor` from the previous page's `nextCursor`.
 */
export const publicRoomsQuerySchema = z.strictObject({
  search: z.string().max(100, 'search must be at most 100 characters').optional(),
  limit: intParam(1, MAX_PUBLIC_ROOMS_LIMIT).optional(),
  cursor: z.string().min(1, 'cursor must not be empty').max(MAX_CURSOR_CHARS, 'cursor is not one this service gave').optional(),
});
export type PublicRoomsQuery = z.infer<typeof publicRoomsQuerySchema>;

export const publicRoomSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  memberCount: z.number().int().min(0),
  lastActivityAt: isoDateSchema,
});
export type PublicRoom = z.infer<typeof publicRoomSchema>;

/** One page of the directory; `nextCursor` null on the last page. */
export const publicRoomPageSchema = z.object({
  rooms: z.array(publicRoomSchema),
  nextCursor: z.string().nullable(),
});
export type PublicRoomPage = z.infer<typeof publicRoomPageSchema>;
