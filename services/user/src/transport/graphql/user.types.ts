import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field()
  username!: string;

  @Field()
  displayName!: string;

  @Field({ description: 'ISO-8601, UTC' })
  createdAt!: string;
}

@ObjectType('TokenPair')
export class TokenPairType {
  @Field()
  accessToken!: string;

  @Field()
  refreshToken!: string;
}

@ObjectType('AuthPayload')
export class AuthPayloadType extends TokenPairType {
  @Field(() => UserType)
  user!: UserType;
}

@InputType()
export class RegisterInput {
  @Field()
  username!: string;

  @Field()
  password!: string;

  @Field({ nullable: true })
  displayName?: string;
}
