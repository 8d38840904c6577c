import { z } from 'zod';
import type { ApiError } from './errors';
import { clientMsgIdSchema, MAX_SYNC_LIMIT, messageBodySchema, type Message } from './messages';
import { seqSchema, uuidSchema } from './primitives';
import type { Room } from './rooms';

/** Client → server events, each with its payload schema. Every one takes an ack callback. */
export const clientEventSchemas = {
  'message:send': z.strictObject({ roomId: uuidSchema, body: messageBodySchema, clientMsgId: clientMsgIdSchema }),
  'message:edit': z.strictObject({ roomId: uuidSchema, seq: seqSchema.min(1), body: messageBodySchema }),
  'message:delete': z.strictObject({ roomId: uuidSchema, seq: seqSchema.min(1) }),
  'room:sync': z.strictObject({
    roomId: uuidSchema,
    afterSeq: seqSchema,
    limit: z.number().int().min(1).max(MAX_SYNC_LIMIT).optional(),
  }),
  'room:read': z.strictObject({ roomId: uuidSchema, seq: seqSchema }),
  typing: z.strictObject({ roomId: uuidSchema, typing: z.boolean() }),
  'auth:refresh': z.strictObject({ token: z.string().min(1).max(4096) }),
} as const;

export type ClientEventName = keyof typeof clientEventSchemas;
export type ClientEventPayload<E extends ClientEventName> = z.infer<(typeof clientEventSchemas)[E]>;

export type AckFailure = { ok: false; error: ApiError };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckFailure;

/** What a successful ack carries, per event. */
export interface ClientEventAcks {
  'message:send': { message: Message };
  'message:edit': { message: Message };
  'message:delete': object;
  'room:sync': { messages: Message[]; hasMore: boolean };
  'room:read': object;
  typing: object;
  'auth:refresh': object;
}

export interface ServerToClientEvents {
  'message:new': (message: Message) => void;
  'message:updated': (message: Message) => void;
  'room:added': (room: Room) => void;
  'room:removed': (payload: { roomId: string }) => void;
  'room:updated': (room: Room) => void;
  'room:read': (payload: { roomId: string; userId: string; seq: number }) => void;
  typing: (payload: { roomId: string; userId: string; typing: boolean }) => void;
  presence: (payload: { userId: string; online: boolean }) => void;
  /** Sent before the server disconnects a socket whose access token expired without `auth:refresh`. */
  'auth:expired': (payload: { code: 'UNAUTHENTICATED' }) => void;
  /** Sent before the server closes a socket on shutdown: reconnect (to another pod) after `afterMs`. */
  'server:shutdown': (payload: { reconnect: true; afterMs: number }) => void;
}

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientEventPayload<E>, ack: (a: Ack<ClientEventAcks[E]>) => void) => void;
};

export const TYPING_TTL_MS = 5000;
