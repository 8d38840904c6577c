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
