import { z } from 'zod';
import { uuidSchema } from './primitives';

/** A message people write (`user`) or one the service writes into the timeline (`system`). */
export const messageKindSchema = z.enum(['user', 'system']);
export type MessageKind = z.infer<typeof messageKindSchema>;

export const roomVisibilitySchema = z.enum(['private', 'public']);
export type RoomVisibility = z.infer<typeof roomVisibilitySchema>;

/** What a system message records: membership and room changes. */
export const systemEventNameSchema = z.enum(['joined', 'left', 'added', 'removed', 'renamed', 'visibility']);
export type SystemEventName = z.infer<typeof systemEventNameSchema>;

/**
 * `message.system`: the change (the actor is the message's `senderId`). `userId` names the member
 * who joined, left, was added or removed; `name` the new name of a rename; `visibility` (beyond the
 * contract) the new visibility of a visibility change.
 */
export const systemEventSchema = z.object({
  event: systemEventNameSchema,
  userId: uuidSchema.optional(),
  name: z.string().optional(),
  visibility: roomVisibilitySchema.optional(),
});
export type SystemEvent = z.infer<typeof systemEventSchema>;
