import { Injectable } from '@nestjs/common';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { UserService } from '../../domain/user.service';
import { RedisSearchLimiter } from '../../limits/search-limiter';
import { type GraphQLContext, definedOnly } from './graphql.context';
import { UserType } from './user.types';

@Injectable()
@Resolver(() => UserType)
export class UsersResolver {
  constructor(
    private readonly userService: UserService,
    private readonly searchLimit: RedisSearchLimiter,
  ) {}

  @Query(() => UserType)
  async me(@Ctx() ctx: GraphQLContext): Promise<UserType> {
    return this.userService.me((await ctx.caller()).userId);
  }

  @Query(() => UserType)
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    await ctx.caller();
    return this.userService.get(id);
  }

  @Query(() => [UserType])
  async users(
    @Ctx() ctx: GraphQLContext,
    @Arg('search', () => String, { nullable: true }) search?: string,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
  ): Promise<UserType[]> {
    // The same per-user budget as GET /users?search: one type-ahead, whichever transport it uses.
    await this.searchLimit.consume((await ctx.caller()).userId);
    return this.userService.search(definedOnly({ search, limit }));
  }

  @Mutation(() => UserType)
  async updateMe(@Arg('displayName', () => String) displayName: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return this.userService.updateMe((await ctx.caller()).userId, { displayName });
  }

  @Mutation(() => Boolean)
  async deleteMe(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    await this.userService.deleteMe((await ctx.caller()).userId);
    return true;
  }
}
