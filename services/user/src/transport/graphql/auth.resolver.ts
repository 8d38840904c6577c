import { Injectable } from '@nestjs/common';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { AuthService } from '../../domain/auth.service';
import { type GraphQLContext, definedOnly } from './graphql.context';
import { AuthPayloadType, RegisterInput, TokenPairType } from './user.types';

@Injectable()
@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayloadType)
  register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayloadType> {
    return this.auth.register(definedOnly({ ...input }), ctx.ip);
  }

  @Mutation(() => AuthPayloadType)
  login(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayloadType> {
    return this.auth.login({ username, password }, ctx.ip);
  }

  @Mutation(() => TokenPairType)
  refresh(@Arg('refreshToken', () => String) refreshToken: string): Promise<TokenPairType> {
    return this.auth.refresh({ refreshToken });
  }

  @Mutation(() => Boolean)
  async logout(@Arg('refreshToken', () => String) refreshToken: string): Promise<boolean> {
    await this.auth.logout({ refreshToken });
    return true;
  }
}
