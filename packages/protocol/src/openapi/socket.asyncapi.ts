import { z } from 'zod';
import { errorSchema } from '../errors';
import { roomSchema } from '../rooms';
import { type ClientEventAcks, type ClientEventName, clientEventSchemas, type ServerToClientEvents } from '../socket';
import { storedMessageSchema, storedPageSchema } from './chat.shapes';

/** The AsyncAPI document type this module builds (3.0; only the parts it uses). */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  components: { schemas: Record<string, unknown>; messages: Record<string, unknown> };
}

const roomId = z.object({ roomId: z.uuid() });

/** Server → client payloads; the type check below keeps them in step with ServerToClientEvents. */
const serverEventSchemas = {
  'message:new': storedMessageSchema,
  'message:updated': storedMessageSchema,
  'room:added': roomSchema,
  'room:removed': roomId,
  'room:updated': roomSchema,
  'room:read': roomId.extend({ userId: z.uuid(), seq: z.number().int().min(0) }),
  typing: roomId.extend({ userId: z.uuid(), typing: z.boolean() }),
  presence: z.object({ userId: z.uuid(), online: z.boolean() }),
  'auth:expired': z.object({ code: z.literal('UNAUTHENTICATED') }),
  'server:shutdown': z.object({ reconnect: z.literal(true), afterMs: z.number().int().min(0) }),
} as const;

const SERVER_EVENT_NOTES: Record<keyof ServerToClientEvents, string> = {
  'message:new': 'A stored message, to every socket of every member on every pod (the sender’s other sockets too); may come twice for one seq: keep the first. Joins, leaves, adds, removals, renames and visibility changes arrive this way too, as `kind: "system"` messages (never unread).',
  'message:updated': 'An edited or deleted message (a deleted one keeps its seq; its body is null), or one whose reactions changed; with its new rev.',
  'room:added': 'The socket joined a room (created, the user was added, or joined a public room); the room as this user sees it.',
  'room:removed': 'The socket left a room (removed, or left).',
  'room:updated': 'A room changed (renamed, visibility, members, read marker); as this user sees it.',
  'room:read': 'A member’s read marker moved (read receipts).',
  typing: 'Another member is typing; expires by itself after 5 s.',
  presence: 'A user who shares a room came online or went offline.',
  'auth:expired': 'Sent before the server disconnects a socket whose access token expired without auth:refresh.',
  'server:shutdown': 'Sent before the server closes the socket on shutdown: reconnect (to another pod) after afterMs.',
};

/** What a successful ack carries; the type check below keeps them in step with ClientEventAcks. */
const ackFields = {
  'message:send': { message: storedMessageSchema },
  'message:edit': { message: storedMessageSchema },
  'message:delete': {},
  'room:sync': { messages: storedPageSchema.shape.messages, hasMore: z.boolean() },
  'room:changes': { messages: storedPageSchema.shape.messages, hasMore: z.boolean(), lastRev: z.number().int().min(0) },
  'reaction:add': { message: storedMessageSchema },
  'reaction:remove': { message: storedMessageSchema },
  'room:read': {},
  typing: {},
  'auth:refresh': {},
} as const satisfies Record<ClientEventName, z.ZodRawShape>;

const CLIENT_EVENT_NOTES: Record<ClientEventName, string> = {
  'message:send': 'Store a message (idempotent by clientMsgId); acked only after it is durably stored. Limited per user (SEND_RATE_PER_SECOND, SEND_BURST): over it the ack is RATE_LIMITED with details.retryAfterMs and details.retryAfterSeconds.',
  'message:edit': 'Edit one’s own message. Limited per user (RATE_LIMITS): over it the ack is RATE_LIMITED with details.retryAfterSeconds.',
  'message:delete': 'Delete a message (its author or a room admin). Limited per user (RATE_LIMITS): over it the ack is RATE_LIMITED with details.retryAfterSeconds.',
  'room:sync': 'What the client missed after afterSeq, oldest first (default 100, at most 500). Limited per user (RATE_LIMITS): over it the ack is RATE_LIMITED with details.retryAfterSeconds.',
  'room:changes': 'Every message changed after afterRev (created, edited, deleted, reacted to), in rev order, each once in its latest state (default 100, at most 500), and the room’s lastRev. Limited per user (RATE_LIMITS, with room:sync): over it the ack is RATE_LIMITED with details.retryAfterSeconds.',
  'reaction:add': 'React to a message with an emoji (1-32 characters, no whitespace; at most 20 distinct per message, the 21st is VALIDATION_FAILED). Idempotent: reacting twice changes nothing, takes no rev and announces nothing. The ack carries the message. Limited per user (RATE_LIMITS).',
  'reaction:remove': 'Take one’s reaction back. Idempotent like reaction:add. The ack carries the message. Limited per user (RATE_LIMITS).',
  'room:read': 'Move one’s read marker forward. Limited per user (RATE_LIMITS): over it the ack is RATE_LIMITED with details.retryAfterSeconds.',
  typing: 'Tell the other members one is typing (or stopped). A repeated typing: true reaches them at most once per 2 s; a stop goes at once. Limited per user (RATE_LIMITS): over it the ack is RATE_LIMITED with details.retryAfterSeconds.',
  'auth:refresh': 'Hand the socket a fresh access token before the old one expires.',
};

// Compile-time agreement with the protocol's TypeScript event types: a drift fails `tsc`.
type Agrees<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ServerPayload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];
const serverAgrees: { [E in keyof ServerToClientEvents]: Agrees<Omit<z.infer<(typeof serverEventSchemas)[E]>, 'senderName'>, Omit<ServerPayload<E>, 'senderName'>> } = {
  'message:new': true,
  'message:updated': true,
  'room:added': true,
  'room:removed': true,
  'room:updated': true,
  'room:read': true,
  typing: true,
  presence: true,
  'auth:expired': true,
  'server:shutdown': true,
};
type AckOf<E extends ClientEventName> = Omit<z.infer<z.ZodObject<(typeof ackFields)[E]>>, 'messages' | 'message'>;
const acksAgree: { [E in ClientEventName]: Agrees<AckOf<E>, Omit<ClientEventAcks[E], 'messages' | 'message'>> } = {
  'message:send': true,
  'message:edit': true,
  'message:delete': true,
  'room:sync': true,
  'room:changes': true,
  'reaction:add': true,
  'reaction:remove': true,
  'room:read': true,
  typing: true,
  'auth:refresh': true,
};
void serverAgrees;
void acksAgree;

/** `message:send` → `message-send`: AsyncAPI component keys allow letters, digits, `.`, `-` and `_`. */
export function componentKey(event: string): string {
  return event.replace(/:/g, '-');
}

const ref = (path: string) => ({ $ref: path });

/** The Socket.IO API of the chat service as AsyncAPI 3.0, from the protocol's event schemas. */
export function socketAsyncApiDocument(): AsyncApiDocument {
  const registry = z.registry<{ id: string }>();
  registry.add(storedMessageSchema, { id: 'Message' });
  registry.add(roomSchema, { id: 'Room' });
  registry.add(errorSchema, { id: 'Error' });
  const ackFailure = z.object({ ok: z.literal(false), error: errorSchema });
  registry.add(ackFailure, { id: 'AckFailure' });
  const clientNames = Object.keys(clientEventSchemas) as ClientEventName[];
  const serverNames = Object.keys(serverEventSchemas) as (keyof ServerToClientEvents)[];
  for (const e of clientNames) {
    registry.add(clientEventSchemas[e], { id: `${componentKey(e)}-payload` });
    const success = z.object({ ok: z.literal(true), ...ackFields[e] });
    registry.add(z.union([success, ackFailure]), { id: `${componentKey(e)}-ack` });
  }
  for (const e of serverNames) {
    const schema = serverEventSchemas[e];
    if (!registry.has(schema)) registry.add(schema, { id: `${componentKey(e)}-event` });
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-7',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // zod stamps each one with $schema and $id; in AsyncAPI the component key is the id and the format is implied.
  const components: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = s as Record<string, unknown>;
    components[id] = rest;
  }
  const schemaId = (s: z.ZodType) => registry.get(s)?.id ?? '';

  const messages: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const e of clientNames) {
    const k = componentKey(e);
    messages[k] = { name: e, title: e, summary: CLIENT_EVENT_NOTES[e], payload: ref(`#/components/schemas/${k}-payload`) };
    messages[`${k}-ack`] = { name: `${e} ack`, summary: `The ack of ${e}: {ok: true, …} or {ok: false, error}.`, payload: ref(`#/components/schemas/${k}-ack`) };
    channelMessages[k] = ref(`#/components/messages/${k}`);
    channelMessages[`${k}-ack`] = ref(`#/components/messages/${k}-ack`);
    operations[k] = {
      action: 'receive',
      channel: ref('#/channels/socket'),
      summary: CLIENT_EVENT_NOTES[e],
      messages: [ref(`#/channels/socket/messages/${k}`)],
      reply: { channel: ref('#/channels/socket'), messages: [ref(`#/channels/socket/messages/${k}-ack`)] },
    };
  }
  for (const e of serverNames) {
    const k = `${componentKey(e)}-event`;
    messages[k] = { name: e, title: e, summary: SERVER_EVENT_NOTES[e], payload: ref(`#/components/schemas/${schemaId(serverEventSchemas[e])}`) };
    channelMessages[k] = ref(`#/components/messages/${k}`);
    operations[k] = {
      action: 'send',
      channel: ref('#/channels/socket'),
      summary: SERVER_EVENT_NOTES[e],
      messages: [ref(`#/channels/socket/messages/${k}`)],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Converge chat service, Socket.IO',
      version: '1',
      description:
        'Socket.IO v4 on the chat service’s /socket.io/ path. Connect with `auth: {token: <accessToken>}`; a bad ' +
        'or missing token is refused with a connect error whose message is UNAUTHENTICATED, one socket over ' +
        'MAX_SOCKETS_PER_USER with RATE_LIMITED. On connect the socket is in all of the user’s rooms. Every ' +
        'client event takes an ack callback. Real-time events are a fast path: a client that sees a seq jump, ' +
        'or reconnects, calls room:sync from the last seq it holds; one that sees a rev jump, or reconnects, calls ' +
        'room:changes from the last rev it holds (edits, deletes and reactions too).',
    },
    defaultContentType: 'application/json',
    channels: {
      socket: {
        address: '/socket.io/',
        title: 'A user’s socket',
        description: 'One Socket.IO connection; the events below are its event names.',
        messages: channelMessages,
      },
    },
    operations,
    components: { schemas: components, messages },
  };
}
