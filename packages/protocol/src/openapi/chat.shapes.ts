import { z } from 'zod';
import { changesPageSchema } from '../changes';
import { messagePageSchema, messageSchema } from '../messages';
import { uuidSchema } from '../primitives';

// What the chat service answers with beyond the contract's shapes: a message carries its sender's
// display name (null once the sender's account is deleted). Documented here, not in messageSchema,
// because clients may not rely on it.
export const storedMessageSchema = messageSchema.extend({ senderName: z.string().nullable() });
export const storedPageSchema = messagePageSchema.extend({ messages: z.array(storedMessageSchema) });
export const storedChangesSchema = changesPageSchema.extend({ messages: z.array(storedMessageSchema) });
export const presenceSchema = z.object({ users: z.array(z.object({ userId: uuidSchema, online: z.boolean() })) });
