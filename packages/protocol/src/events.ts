import { z } from 'zod';
import { userSchema } from './auth';
import { messageSchema } from './messages';
import { isoDateSchema, uuidSchema } from './primitives';
import { memberRoleSchema } from './rooms';

export const USERS_STREAM = 'USERS';
export const CHAT_STREAM = 'CHAT';

export const USER_SUBJECTS = {
  registered: 'users.registered',
  updated: 'users.updated',
  deleted: 'users.deleted',
} as const;
export type UserEventType = keyof typeof USER_SUBJECTS;

export const CHAT_SUBJECTS = {
  messageCreated: (roomId: string) => `chat.message.created.${roomId}`,
  messageUpdated: (roomId: string) => `chat.message.updated.${roomId}`,
  roomMember: (roomId: string) => `chat.room.member.${roomId}`,
} as const;

const envelope = { eventId: uuidSchema, occurredAt: isoDateSchema };

export const userEventSchema = z.object({ ...envelope, user: userSchema });
export type UserEvent = z.infer<typeof userEventSchema>;

export const messageEventSchema = z.object({ ...envelope, message: messageSchema });
export type MessageEvent = z.infer<typeof messageEventSchema>;

export const memberEventSchema = z.object({
  ...envelope,
  roomId: uuidSchema,
  userId: uuidSchema,
  action: z.enum(['added', 'removed']),
  role: memberRoleSchema.optional(),
});
export type MemberEvent = z.infer<typeof memberEventSchema>;

/**
 * Sessions (refresh-token families) the user service revoked: logout, or a refresh token reused.
 * Access tokens name their session in `sid`; chat closes what that session holds open.
 */
export const SESSIONS_STREAM = 'SESSIONS';
export const SESSION_SUBJECTS = {
  revoked: 'sessions.revoked',
} as const;

export const sessionRevokedEventSchema = z.object({ ...envelope, userId: uuidSchema, sessionId: uuidSchema });
export type SessionRevokedEvent = z.infer<typeof sessionRevokedEventSchema>;
