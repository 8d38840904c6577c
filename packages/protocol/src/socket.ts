import { z } from 'zod';
import type { ApiError } from './errors';
import { clientMsgIdSchema, MAX_SYNC_LIMIT, messageBodySchema, type Message } from './messages';
import { seqSchema, uuidSchema } from './primitives';
import { emojiSchema } from './reactions';
import type { Room } from './rooms';

/** The names of the client → server events: services and clients use these, never bare strings. */
export const ClientEvent = {
  MessageSend: 'message:send',
  MessageEdit: 'message:edit',
  MessageDelete: 'message:delete',
  RoomSync: 'room:sync',
  RoomChanges: 'room:changes',
  ReactionAdd: 'reaction:add',
  ReactionRemove: 'reaction:remove',
  RoomRead: 'room:read',
  Typing: 'typing',
  AuthRefresh: 'auth:refresh',
} as const;

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
  'room:changes': z.strictObject({
    roomId: uuidSchema,
    afterRev: seqSchema,
    limit: z.number().int().min(1).max(MAX_SYNC_LIMIT).optional(),
  }),
  'reaction:add': z.strictObject({ roomId: uuidSchema, seq: seqSchema.min(1), emoji: emojiSchema }),
  'reaction:remove': z.strictObject({ roomId: uuidSchema, seq: seqSchema.min(1), emoji: emojiSchema }),
  'room:read': z.strictObject({ roomId: uuidSchema, seq: seqSchema }),
  typing: z.strictObject({ roomId: uuidSchema, typing: z.boolean() }),
  'auth:refresh': z.strictObject({ token: z.string().min(1).max(4096) }),
} as const;

export type ClientEventName = keyof typeof clientEventSchemas;
export type ClientEventPayload<E extends ClientEventName> = z.infer<(typeof clientEventSchemas)[E]>;

// Compile-time check both ways: every constant names an event with a schema, every schema has a constant.
type ClientEventConstant = (typeof ClientEvent)[keyof typeof ClientEvent];
const _everyClientEventNamed: [ClientEventConstant, ClientEventName] extends [ClientEventName, ClientEventConstant] ? true : never = true;
void _everyClientEventNamed;

export type AckFailure = { ok: false; error: ApiError };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckFailure;

/** What a successful ack carries, per event. */
export interface ClientEventAcks {
  'message:send': { message: Message };
  'message:edit': { message: Message };
  'message:delete': object;
  'room:sync': { messages: Message[]; hasMore: boolean };
  'room:changes': { messages: Message[]; hasMore: boolean; lastRev: number };
  'reaction:add': { message: Message };
  'reaction:remove': { message: Message };
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

/** The names of the server → client events. */
export const ServerEvent = {
  MessageNew: 'message:new',
  MessageUpdated: 'message:updated',
  RoomAdded: 'room:added',
  RoomRemoved: 'room:removed',
  RoomUpdated: 'room:updated',
  RoomRead: 'room:read',
  Typing: 'typing',
  Presence: 'presence',
  AuthExpired: 'auth:expired',
  ServerShutdown: 'server:shutdown',
} as const;

export type ServerEventName = keyof ServerToClientEvents;
type ServerEventConstant = (typeof ServerEvent)[keyof typeof ServerEvent];
const _everyServerEventNamed: [ServerEventConstant, ServerEventName] extends [ServerEventName, ServerEventConstant] ? true : never = true;
void _everyServerEventNamed;

/** The event map per client event: the payload (as parsed) and what a successful ack carries. */
export type ClientEvents = {
  [E in ClientEventName]: { payload: ClientEventPayload<E>; ack: ClientEventAcks[E] };
};

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientEventPayload<E>, ack: (a: Ack<ClientEventAcks[E]>) => void) => void;
};

export const TYPING_TTL_MS = 5000;
