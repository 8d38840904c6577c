import { z } from 'zod';
import { intParam, isoDateSchema, seqSchema, trimmedText, uuidSchema } from './primitives';
import { reactionSchema } from './reactions';
import { messageKindSchema, systemEventSchema } from './system-messages';

export const MAX_BODY_CHARS = 4000;
export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 200;
export const DEFAULT_SYNC_LIMIT = 100;
export const MAX_SYNC_LIMIT = 500;

export const messageBodySchema = trimmedText(1, MAX_BODY_CHARS, 'body');
export const clientMsgIdSchema = z
  .string()
  .min(1, 'clientMsgId must be 1-64 characters')
  .max(64, 'clientMsgId must be 1-64 characters');

export const messageSchema = z.object({
  id: uuidSchema,
  roomId: uuidSchema,
  seq: seqSchema,
  senderId: uuidSchema,
  body: z.string().nullable(),
  clientMsgId: z.string(),
  createdAt: isoDateSchema,
  editedAt: isoDateSchema.nullable(),
  deletedAt: isoDateSchema.nullable(),
  /** The room's change counter at this message's latest change (create, edit, delete, reaction). */
  rev: seqSchema,
  reactions: z.array(reactionSchema),
  /** `system`: written by the service (joins, leaves, renames...); never unread, never edited or reacted to. */
  kind: messageKindSchema,
  /** The change a system message records; null on user messages. */
  system: systemEventSchema.nullable(),
});
export type Message = z.infer<typeof messageSchema>;

export const sendMessageBodySchema = z.strictObject({
  body: messageBodySchema,
  clientMsgId: clientMsgIdSchema,
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

export const editMessageBodySchema = z.strictObject({ body: messageBodySchema });
export type EditMessageBody = z.infer<typeof editMessageBodySchema>;

/** `?after=<seq>&limit=` oldest first, `?before=<seq>&limit=` newest first; neither: the latest page. */
export const historyQuerySchema = z
  .strictObject({
    after: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
    before: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
    limit: intParam(1, MAX_HISTORY_LIMIT).optional(),
  })
  .refine((q) => q.after === undefined || q.before === undefined, {
    message: 'use either after or before, not both',
  });
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export const messagePageSchema = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() });
export type MessagePage = z.infer<typeof messagePageSchema>;
