import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query, UseGuards } from '@nestjs/common';
import type { User, UserList } from '@converge/protocol';
import { UserService } from '../../domain/user.service';
import { RedisSearchLimiter } from '../../limits/search-limiter';
import type { AccessIdentity } from '../../security/access-tokens';
import { AuthGuard } from './auth.guard';
import { Caller } from './caller';

@Controller('users')
@UseGuards(AuthGuard)
export class UsersController {
  constructor(
    private readonly users: UserService,
    private readonly searchLimit: RedisSearchLimiter,
  ) {}

  @Get('me')
  me(@Caller() caller: AccessIdentity): Promise<User> {
    return this.users.me(caller.userId);
  }

  @Patch('me')
  updateMe(@Caller() caller: AccessIdentity, @Body() body: unknown): Promise<User> {
    return this.users.updateMe(caller.userId, body);
  }

  @Delete('me')
  @HttpCode(204)
  async deleteMe(@Caller() caller: AccessIdentity): Promise<void> {
    await this.users.deleteMe(caller.userId);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<User> {
    return this.users.get(id);
  }

  @Get()
  async search(@Caller() caller: AccessIdentity, @Query() query: Record<string, unknown>): Promise<UserList> {
    await this.searchLimit.consume(caller.userId);
    return { users: await this.users.search(query) };
  }
}
