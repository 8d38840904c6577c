import {
  addMemberBodySchema,
  changesQuerySchema,
  createRoomBodySchema,
  editMessageBodySchema,
  historyQuerySchema,
  parseOrThrow,
  publicRoomsQuerySchema,
  readBodySchema,
  roomVisibilitySchema,
  updateRoomBodySchema,
  sendMessageBodySchema,
} from '@converge/protocol';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ChatMetrics } from '../../chat.metrics';
import { countedSend } from '../../chat.metrics';
import type { ChatService } from '../../domain/chat.service';
import type { ChatMessage } from '../../domain/ports';
import { emojiOf, memberIdOf, roomIdOf, seqOf } from '../edge-input';
import { definedOnly, type GraphQLContext } from './graphql.context';
import { ChangesPageType, MemberType, MessagePageType, MessageType, PresenceType, PublicRoomPageType, RoomType } from './chat.types';
import type { RoomEventBus } from './room-event.bus';

export const messageAddedTopic = (roomId: string) => `messageAdded:${roomId}`;
export const messageUpdatedTopic = (roomId: string) => `messageUpdated:${roomId}`;
/** Published when a user leaves a room: their subscriptions to it end. */
export const leftTopic = (roomId: string, userId: string) => `left:${roomId}:${userId}`;

/** What the resolvers use, given by the service through the container. */
export interface ResolverDeps {
  chat: ChatService;
  bus: RoomEventBus;
  metrics: ChatMetrics;
}

/** Members only: the same use case (and the same NOT_FOUND) as REST and the socket. */
async function subscribeTo(topic: (roomId: string) => string, roomId: unknown, ctx: GraphQLContext): Promise<AsyncIterable<unknown>> {
  const me = await ctx.caller();
  const id = await ctx.chat.assertMember(me.userId, roomIdOf(roomId));
  // Authorized once, here; leaving the room (or being removed) ends the subscription.
  return ctx.bus.subscribeUntil(topic(id), leftTopic(id, me.userId));
}

/** Rooms, members and messages over GraphQL: thin calls into ChatService, like the REST controller. */
@Resolver()
export class RoomsResolver {
  constructor(private readonly deps: ResolverDeps) {}

  @Query(() => [RoomType], { description: "The caller's rooms, most recent activity first" })
  async rooms(@Ctx() ctx: GraphQLContext): Promise<RoomType[]> {
    return this.deps.chat.listRooms((await ctx.caller()).userId);
  }

  @Query(() => RoomType)
  async room(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<RoomType> {
    return this.deps.chat.getRoom((await ctx.caller()).userId, roomIdOf(id));
  }

  @Query(() => MessagePageType, { description: 'after: oldest first; before: newest first; neither: the latest, newest first' })
  async messages(
    @Arg('roomId', () => ID) roomId: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('after', () => Int, { nullable: true }) after?: number,
    @Arg('before', () => Int, { nullable: true }) before?: number,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
  ): Promise<MessagePageType> {
    const me = (await ctx.caller()).userId;
    return this.deps.chat.history(me, roomIdOf(roomId), parseOrThrow(historyQuerySchema, definedOnly({ after, before, limit })));
  }

  @Query(() => ChangesPageType, { description: 'The changes feed: every message changed after afterRev, in rev order, each once in its latest state' })
  async changes(
    @Arg('roomId', () => ID) roomId: string,
    @Arg('afterRev', () => Int) afterRev: number,
    @Ctx() ctx: GraphQLContext,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
  ): Promise<ChangesPageType> {
    const me = (await ctx.caller()).userId;
    const id = roomIdOf(roomId);
    return this.deps.chat.changes(me, { roomId: id, ...parseOrThrow(changesQuerySchema, definedOnly({ afterRev, limit })) });
  }

  @Query(() => PublicRoomPageType, { description: 'Public rooms by name; search: a case-insensitive prefix; cursor: the last page’s nextCursor' })
  async publicRooms(
    @Ctx() ctx: GraphQLContext,
    @Arg('search', () => String, { nullable: true }) search?: string,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
    @Arg('cursor', () => String, { nullable: true }) cursor?: string,
  ): Promise<PublicRoomPageType> {
    const me = (await ctx.caller()).userId;
    return this.deps.chat.publicRooms(me, parseOrThrow(publicRoomsQuerySchema, definedOnly({ search, limit, cursor })));
  }

  @Query(() => [PresenceType], { description: 'Which members of the room are online' })
  async presence(@Arg('roomId', () => ID) roomId: string, @Ctx() ctx: GraphQLContext): Promise<PresenceType[]> {
    return this.deps.chat.presence((await ctx.caller()).userId, roomIdOf(roomId));
  }

  @Mutation(() => RoomType, { description: 'A group room; the caller is its first admin' })
  async createRoom(
    @Arg('name', () => String) name: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<RoomType> {
    const me = (await ctx.caller()).userId;
    return (await this.deps.chat.createRoom(me, parseOrThrow(createRoomBodySchema, { name, memberIds }))).room;
  }

  @Mutation(() => RoomType, { description: 'The DM with a user (the same pair always gets the same room)' })
  async createDirectRoom(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<RoomType> {
    const me = (await ctx.caller()).userId;
    return (await this.deps.chat.createRoom(me, parseOrThrow(createRoomBodySchema, { directWith: userId }))).room;
  }

  @Mutation(() => RoomType)
  async renameRoom(@Arg('roomId', () => ID) roomId: string, @Arg('name', () => String) name: string, @Ctx() ctx: GraphQLContext): Promise<RoomType> {
    const me = (await ctx.caller()).userId;
    return this.deps.chat.updateRoom(me, roomIdOf(roomId), parseOrThrow(updateRoomBodySchema, { name }));
  }

  @Mutation(() => RoomType, { description: 'Admins of a group: private or public (public rooms are in the directory, anyone may join)' })
  async setRoomVisibility(
    @Arg('roomId', () => ID) roomId: string,
    @Arg('visibility', () => String) visibility: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RoomType> {
    const me = (await ctx.caller()).userId;
    const id = roomIdOf(roomId);
    return this.deps.chat.updateRoom(me, id, parseOrThrow(updateRoomBodySchema, { visibility: parseOrThrow(roomVisibilitySchema, visibility) }));
  }

  @Mutation(() => RoomType, { description: 'Join a public room (a member already: the room as it is); private or unknown: NOT_FOUND' })
  async joinRoom(@Arg('roomId', () => ID) roomId: string, @Ctx() ctx: GraphQLContext): Promise<RoomType> {
    const me = (await ctx.caller()).userId;
    return (await this.deps.chat.join(me, roomIdOf(roomId))).room;
  }

  @Mutation(() => MemberType)
  async addMember(@Arg('roomId', () => ID) roomId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<MemberType> {
    const me = (await ctx.caller()).userId;
    return this.deps.chat.addMember(me, roomIdOf(roomId), parseOrThrow(addMemberBodySchema, { userId }));
  }

  @Mutation(() => Boolean, { description: 'Admins remove anyone; anyone may remove themselves (leave)' })
  async removeMember(@Arg('roomId', () => ID) roomId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const me = (await ctx.caller()).userId;
    await this.deps.chat.removeMember(me, roomIdOf(roomId), memberIdOf(userId));
    return true;
  }

  @Mutation(() => MessageType, { description: 'Idempotent per (room, sender, clientMsgId): a retry returns the stored message' })
  async sendMessage(
    @Arg('roomId', () => ID) roomId: string,
    @Arg('body', () => String) body: string,
    @Arg('clientMsgId', () => String) clientMsgId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MessageType> {
    const me = (await ctx.caller()).userId;
    const id = roomIdOf(roomId);
    const input = parseOrThrow(sendMessageBodySchema, { body, clientMsgId });
    return (await countedSend(this.deps.metrics, 'graphql', () => this.deps.chat.send(me, id, input))).message;
  }

  @Mutation(() => MessageType, { description: 'Author only' })
  async editMessage(
    @Arg('roomId', () => ID) roomId: string,
    @Arg('seq', () => Int) seq: number,
    @Arg('body', () => String) body: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MessageType> {
    const me = (await ctx.caller()).userId;
    return this.deps.chat.edit(me, roomIdOf(roomId), seqOf(seq), parseOrThrow(editMessageBodySchema, { body }));
  }

  @Mutation(() => Boolean, { description: 'Author or room admin; the tombstone keeps its seq' })
  async deleteMessage(@Arg('roomId', () => ID) roomId: string, @Arg('seq', () => Int) seq: number, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const me = (await ctx.caller()).userId;
    await this.deps.chat.delete(me, roomIdOf(roomId), seqOf(seq));
    return true;
  }

  @Mutation(() => MessageType, { description: 'Idempotent; at most 20 distinct emoji per message' })
  async addReaction(
    @Arg('roomId', () => ID) roomId: string,
    @Arg('seq', () => Int) seq: number,
    @Arg('emoji', () => String) emoji: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MessageType> {
    const me = (await ctx.caller()).userId;
    return this.deps.chat.react(me, roomIdOf(roomId), seqOf(seq), emojiOf(emoji), 'add');
  }

  @Mutation(() => MessageType, { description: 'Idempotent' })
  async removeReaction(
    @Arg('roomId', () => ID) roomId: string,
    @Arg('seq', () => Int) seq: number,
    @Arg('emoji', () => String) emoji: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MessageType> {
    const me = (await ctx.caller()).userId;
    return this.deps.chat.react(me, roomIdOf(roomId), seqOf(seq), emojiOf(emoji), 'remove');
  }

  @Mutation(() => Boolean, { description: 'Moves the read marker forward only' })
  async markRead(@Arg('roomId', () => ID) roomId: string, @Arg('seq', () => Int) seq: number, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const me = (await ctx.caller()).userId;
    await this.deps.chat.markRead(me, roomIdOf(roomId), parseOrThrow(readBodySchema, { seq }));
    return true;
  }

  @Subscription(() => MessageType, {
    description: 'New messages of a room (members only); best effort, like message:new: catch up with messages(after:)',
    subscribe: ({ args, context }) => subscribeTo(messageAddedTopic, args.roomId, context as GraphQLContext),
  })
  messageAdded(@Arg('roomId', () => ID) _roomId: string, @Root() message: ChatMessage): MessageType {
    return message;
  }

  @Subscription(() => MessageType, {
    description: 'Edits, deletes and reaction changes in a room (members only), each with its rev',
    subscribe: ({ args, context }) => subscribeTo(messageUpdatedTopic, args.roomId, context as GraphQLContext),
  })
  messageUpdated(@Arg('roomId', () => ID) _roomId: string, @Root() message: ChatMessage): MessageType {
    return message;
  }
}
