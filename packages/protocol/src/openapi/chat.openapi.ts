import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { changesQuerySchema } from '../changes';
import { editMessageBodySchema, historyQuerySchema, sendMessageBodySchema } from '../messages';
import { emojiSchema } from '../reactions';
import {
  addMemberBodySchema,
  createRoomBodySchema,
  memberSchema,
  readBodySchema,
  roomIdParamSchema,
  roomListSchema,
  roomSchema,
  updateRoomBodySchema,
} from '../rooms';
import { publicRoomPageSchema, publicRoomsQuerySchema } from '../public-rooms';
import { seqSchema, uuidSchema } from '../primitives';
import { presenceSchema, storedChangesSchema, storedMessageSchema, storedPageSchema } from './chat.shapes';
import { generate, jsonBody, jsonResponse, noContent, type OpenApiDocument, registerCommon, registerRoutes, type Route } from './openapi.common';
import { nameComponent } from './component-names';

const room = z.object({ id: roomIdParamSchema });
const member = room.extend({ userId: uuidSchema });
// On the wire a path segment; the service answers NOT_FOUND for anything but a seq of 1 or more.
const message = room.extend({ seq: seqSchema.min(1) });
// The emoji percent-encoded in the path (`%F0%9F%91%8D`, `:thumbsup:`).
const reaction = message.extend({ emoji: emojiSchema });

const tags = { rooms: ['rooms'], messages: ['messages'] };

const routes: readonly Route[] = [
  {
    method: 'post',
    path: '/rooms',
    tags: tags.rooms,
    summary: 'Create a group room, or open the DM with one user (the same pair always gets the same room)',
    description: 'The creator of a group is its first admin and a member without being listed in `memberIds`.',
    request: { body: jsonBody(createRoomBodySchema) },
    responses: {
      201: jsonResponse(roomSchema, 'The new room'),
      200: jsonResponse(roomSchema, 'The DM that already existed'),
    },
    errors: ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/rooms',
    tags: tags.rooms,
    summary: 'The caller’s rooms, most recent activity first',
    responses: { 200: jsonResponse(roomListSchema, 'The rooms') },
    errors: [],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/rooms/public',
    tags: tags.rooms,
    summary: 'The directory of public rooms, by name: `search` is a case-insensitive prefix of the name',
    description:
      'Any signed-in user. Default 20, at most 50 per page; `nextCursor` (null on the last page) asks for the next ' +
      'page with the same `search`. A cursor that this service did not give is VALIDATION_FAILED.',
    request: { query: publicRoomsQuerySchema },
    responses: { 200: jsonResponse(publicRoomPageSchema, 'A page of public rooms') },
    errors: ['VALIDATION_FAILED'],
    authenticated: true,
  },
  {
    method: 'post',
    path: '/rooms/{id}/join',
    tags: tags.rooms,
    summary: 'Join a public room (200 for a member already, whatever the visibility; a private or unknown room answers NOT_FOUND to anyone else)',
    description:
      'The join is stored in the room’s timeline as a system message (`kind: "system"`, `system.event: "joined"`), ' +
      'which takes the next seq and rev and reaches every member as `message:new`. The joiner’s read marker starts ' +
      'at their join. Limited per user with member changes (RATE_LIMITS).',
    request: { params: room },
    responses: {
      201: jsonResponse(roomSchema, 'The room the caller joined'),
      200: jsonResponse(roomSchema, 'The caller was a member already'),
    },
    errors: ['NOT_FOUND', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/rooms/{id}',
    tags: tags.rooms,
    summary: 'One room (a non-member gets NOT_FOUND for the room and everything under it)',
    request: { params: room },
    responses: { 200: jsonResponse(roomSchema, 'The room') },
    errors: ['NOT_FOUND'],
    authenticated: true,
  },
  {
    method: 'patch',
    path: '/rooms/{id}',
    tags: tags.rooms,
    summary: 'Rename a group room or change its visibility (admins)',
    description:
      'Each change (a new name, a new visibility) is stored in the timeline as a system message (`renamed`, ' +
      '`visibility`); giving the current value changes nothing. A DM answers FORBIDDEN.',
    request: { params: room, body: jsonBody(updateRoomBodySchema) },
    responses: { 200: jsonResponse(roomSchema, 'The room after the change') },
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE'],
    authenticated: true,
  },
  {
    method: 'post',
    path: '/rooms/{id}/members',
    tags: tags.rooms,
    summary: 'Add a member to a group room (admins; a DM answers FORBIDDEN); stored in the timeline as an `added` system message',
    request: { params: room, body: jsonBody(addMemberBodySchema) },
    responses: { 201: jsonResponse(memberSchema, 'The new member') },
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'delete',
    path: '/rooms/{id}/members/{userId}',
    tags: tags.rooms,
    summary: 'Remove a member (admins), or leave (oneself); stored in the timeline as a `removed` or `left` system message',
    request: { params: member },
    responses: { 204: noContent },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/rooms/{id}/messages',
    tags: tags.messages,
    summary: 'A page of history: `after` oldest first, `before` newest first, neither the latest page newest first',
    request: { params: room, query: historyQuerySchema },
    responses: { 200: jsonResponse(storedPageSchema, 'The page') },
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
    authenticated: true,
  },
  {
    method: 'post',
    path: '/rooms/{id}/messages',
    tags: tags.messages,
    summary: 'Send a message (idempotent by clientMsgId per sender and room)',
    description:
      'Limited per user over all pods by the same token bucket as the socket and GraphQL sends ' +
      '(SEND_RATE_PER_SECOND, SEND_BURST); over it the answer is 429 RATE_LIMITED with Retry-After ' +
      'and `details.retryAfterMs`.',
    request: { params: room, body: jsonBody(sendMessageBodySchema) },
    responses: {
      201: jsonResponse(storedMessageSchema, 'The stored message'),
      200: jsonResponse(storedMessageSchema, 'The message this clientMsgId already stored (a retried send)'),
    },
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'patch',
    path: '/rooms/{id}/messages/{seq}',
    tags: tags.messages,
    summary: 'Edit a message (its author; a system message is VALIDATION_FAILED)',
    request: { params: message, body: jsonBody(editMessageBodySchema) },
    responses: { 200: jsonResponse(storedMessageSchema, 'The edited message') },
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'delete',
    path: '/rooms/{id}/messages/{seq}',
    tags: tags.messages,
    summary: 'Delete a message (its author or a room admin): it keeps its seq, the body becomes null; a system message is VALIDATION_FAILED',
    request: { params: message },
    responses: { 204: noContent },
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/rooms/{id}/changes',
    tags: tags.messages,
    summary: 'The changes feed: every message created, edited, deleted or reacted to after `afterRev`, in rev order, each once in its latest state',
    description:
      'Default 100, at most 500 (`hasMore` when more follow: ask again from the last rev received). `lastRev` is the ' +
      'room’s current rev. Limited per user with room:sync (RATE_LIMITS).',
    request: { params: room, query: changesQuerySchema },
    responses: { 200: jsonResponse(storedChangesSchema, 'The changed messages and the room’s lastRev') },
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'put',
    path: '/rooms/{id}/messages/{seq}/reactions/{emoji}',
    tags: tags.messages,
    summary: 'React to a message with an emoji (idempotent)',
    description:
      'At most 20 distinct emoji per message: a 21st is VALIDATION_FAILED. A reaction that was already there ' +
      'changes nothing (no rev, no event); otherwise the message takes the room’s next rev and members hear ' +
      '`message:updated`. A deleted message is NOT_FOUND; a system message VALIDATION_FAILED.',
    request: { params: reaction },
    responses: { 204: noContent },
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'delete',
    path: '/rooms/{id}/messages/{seq}/reactions/{emoji}',
    tags: tags.messages,
    summary: 'Take one’s reaction back (idempotent)',
    request: { params: reaction },
    responses: { 204: noContent },
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'RATE_LIMITED'],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/rooms/{id}/presence',
    tags: tags.rooms,
    summary: 'Which members are online (a socket on any pod); beyond the contract',
    request: { params: room },
    responses: { 200: jsonResponse(presenceSchema, 'Each member and whether they are online') },
    errors: ['NOT_FOUND'],
    authenticated: true,
  },
  {
    method: 'post',
    path: '/rooms/{id}/read',
    tags: tags.rooms,
    summary: 'Move the caller’s read marker forward (never back)',
    request: { params: room, body: jsonBody(readBodySchema) },
    responses: { 204: noContent },
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'],
    authenticated: true,
  },
];

/** The chat service's REST API (what it serves at GET /openapi.json). */
export function chatOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registerCommon(registry);
  nameComponent('Room', roomSchema);
  nameComponent('Member', memberSchema);
  nameComponent('Message', storedMessageSchema);
  registerRoutes(registry, routes);
  return generate(registry, {
    title: 'Converge chat service',
    description:
      'Rooms, members and messages. Every call takes `Authorization: Bearer <accessToken>` from the user ' +
      'service. Real time is Socket.IO on /socket.io/ (see docs/asyncapi/socket.json); GraphQL is at ' +
      '/graphql, its SDL in services/chat/schema.graphql.',
  });
}
