import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('Member')
export class MemberType {
  @Field(() => ID)
  userId!: string;

  @Field({ description: 'admin or member' })
  role!: string;

  @Field(() => String, { nullable: true, description: 'From the user directory; null when unknown or deleted' })
  displayName?: string | null;
}

@ObjectType('Room')
export class RoomType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'group or direct' })
  kind!: string;

  @Field({ description: 'private or public (public groups are in the directory); DMs are private' })
  visibility!: string;

  @Field({ description: 'ISO-8601, UTC' })
  createdAt!: string;

  @Field(() => Int)
  lastSeq!: number;

  @Field(() => Int, { description: "The room's change counter: the rev of its latest message change" })
  lastRev!: number;

  @Field(() => Int)
  unreadCount!: number;

  @Field(() => Int)
  readSeq!: number;

  @Field(() => [MemberType])
  members!: MemberType[];
}

@ObjectType('Reaction')
export class ReactionType {
  @Field()
  emoji!: string;

  @Field(() => Int, { description: 'Exact' })
  count!: number;

  @Field(() => [ID], { description: 'The first 20 who reacted, in order' })
  userIds!: string[];
}

@ObjectType('SystemEvent')
export class SystemEventType {
  @Field({ description: 'joined, left, added, removed, renamed or visibility' })
  event!: string;

  @Field(() => ID, { nullable: true, description: 'Who joined, left, was added or removed' })
  userId?: string;

  @Field(() => String, { nullable: true, description: 'The new name of a rename' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'The new visibility of a visibility change' })
  visibility?: string;
}

@ObjectType('Message')
export class MessageType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  roomId!: string;

  @Field(() => Int, { description: 'Per room, from 1, no gaps' })
  seq!: number;

  @Field(() => ID)
  senderId!: string;

  @Field(() => String, { nullable: true, description: 'The sender display name; null when unknown or deleted' })
  senderName!: string | null;

  @Field(() => String, { nullable: true, description: 'null once deleted' })
  body!: string | null;

  @Field()
  clientMsgId!: string;

  @Field({ description: 'ISO-8601, UTC' })
  createdAt!: string;

  @Field(() => String, { nullable: true })
  editedAt!: string | null;

  @Field(() => String, { nullable: true })
  deletedAt!: string | null;

  @Field(() => Int, { description: "The room's rev at this message's latest change (create, edit, delete, reaction)" })
  rev!: number;

  @Field(() => [ReactionType], { description: 'In order of first use' })
  reactions!: ReactionType[];

  @Field({ description: 'user, or system (a membership or room change: never unread, never edited or reacted to)' })
  kind!: string;

  @Field(() => SystemEventType, { nullable: true, description: 'The change a system message records; null on user messages' })
  system!: SystemEventType | null;
}

@ObjectType('MessagePage')
export class MessagePageType {
  @Field(() => [MessageType])
  messages!: MessageType[];

  @Field()
  hasMore!: boolean;
}

@ObjectType('ChangesPage')
export class ChangesPageType {
  @Field(() => [MessageType], { description: 'Each changed message once, in its latest state, in rev order' })
  messages!: MessageType[];

  @Field()
  hasMore!: boolean;

  @Field(() => Int, { description: "The room's current rev" })
  lastRev!: number;
}

@ObjectType('Presence')
export class PresenceType {
  @Field(() => ID)
  userId!: string;

  @Field()
  online!: boolean;
}

@ObjectType('PublicRoom')
export class PublicRoomType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  memberCount!: number;

  @Field({ description: 'ISO-8601, UTC' })
  lastActivityAt!: string;
}

@ObjectType('PublicRoomPage')
export class PublicRoomPageType {
  @Field(() => [PublicRoomType])
  rooms!: PublicRoomType[];

  @Field(() => String, { nullable: true, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor!: string | null;
}
