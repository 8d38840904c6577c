import { z } from 'zod';
import { intParam, isoDateSchema, seqSchema, trimmedText, uuidSchema } from './primitives';
import { roomVisibilitySchema } from './system-messages';

export const MAX_MEMBERS_ON_CREATE = 200;

export const roomNameSchema = trimmedText(1, 100, 'name');
export const roomKindSchema = z.enum(['group', 'direct']);
export type RoomKind = z.infer<typeof roomKindSchema>;
export const memberRoleSchema = z.enum(['admin', 'member']);
export type MemberRole = z.infer<typeof memberRoleSchema>;

/**
 * A member as rooms list them. `displayName` comes from the user directory the chat service keeps
 * (null: the user is unknown to it yet, or deleted); absent where only the membership is answered
 * (`POST /rooms/:id/members`).
 */
export const memberSchema = z.object({
  userId: uuidSchema,
  role: memberRoleSchema,
  displayName: z.string().nullable().optional(),
});
export type Member = z.infer<typeof memberSchema>;

export const roomSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: roomKindSchema,
  /** Who may find and join it: `public` group rooms are in the directory; DMs are always `private`. */
  visibility: roomVisibilitySchema,
  createdAt: isoDateSchema,
  lastSeq: seqSchema,
  /** The room's change counter: the rev of its latest message change (0 before any). */
  lastRev: seqSchema,
  unreadCount: z.number().int().min(0),
  readSeq: seqSchema,
  members: z.array(memberSchema),
});
export type Room = z.infer<typeof roomSchema>;

export const createGroupBodySchema = z.strictObject({
  name: roomNameSchema,
  memberIds: z.array(uuidSchema).max(MAX_MEMBERS_ON_CREATE),
  /** Beyond the contract: a group may be created public (default private). */
  visibility: roomVisibilitySchema.optional(),
});
export const createDirectBodySchema = z.strictObject({ directWith: uuidSchema });
export const createRoomBodySchema = z.union([createGroupBodySchema, createDirectBodySchema]);
export type CreateRoomBody = z.infer<typeof createRoomBodySchema>;

/** `PATCH /rooms/:id` (admins): a new name, a new visibility, or both. */
export const updateRoomBodySchema = z
  .strictObject({ name: roomNameSchema.optional(), visibility: roomVisibilitySchema.optional() })
  .refine((b) => b.name !== undefined || b.visibility !== undefined, { message: 'give name or visibility' });
export type UpdateRoomBody = z.infer<typeof updateRoomBodySchema>;
/** The v1 name of the same body (a rename is an update with a name). */
export const renameRoomBodySchema = updateRoomBodySchema;
export type RenameRoomBody = UpdateRoomBody;

export const addMemberBodySchema = z.strictObject({ userId: uuidSchema });
export type AddMemberBody = z.infer<typeof addMemberBodySchema>;

export const readBodySchema = z.strictObject({ seq: seqSchema });
export type ReadBody = z.infer<typeof readBodySchema>;

export const roomListSchema = z.object({ rooms: z.array(roomSchema) });
export type RoomList = z.infer<typeof roomListSchema>;

export const roomIdParamSchema = uuidSchema;
export const seqParamSchema = intParam(1, Number.MAX_SAFE_INTEGER);

export { isoDateSchema };
