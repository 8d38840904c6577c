import { type DynamicModule, Module } from '@nestjs/common';
import { RuntimeModule } from '@converge/runtime-nest';
import type { UserComponents } from './components';
import type { UserConfig } from './config';
import { AuthService } from './domain/auth.service';
import { UserService } from './domain/user.service';
import { KEY_SET } from './injection-tokens';
import { RedisSearchLimiter } from './limits/search-limiter';
import { AccessTokens } from './security/access-tokens';
import { AuthGuard } from './transport/http/auth.guard';
import { AuthController } from './transport/http/auth.controller';
import { UsersController } from './transport/http/users.controller';
import { OpenApiController } from './transport/http/openapi.controller';
import { AuthResolver } from './transport/graphql/auth.resolver';
import { UsersResolver } from './transport/graphql/users.resolver';

/**
 * The user service's Nest wiring: REST controllers and GraphQL resolvers over one AuthService and one
 * UserService, with the runtime's probes and /metrics. The composition root (application.ts) builds
 * and closes everything injected here.
 */
@Module({})
export class UserAppModule {
  static forRoot(config: UserConfig, c: UserComponents): DynamicModule {
    return {
      module: UserAppModule,
      imports: [RuntimeModule.forRoot({ config, logger: c.logger, metrics: c.metrics, health: c.health })],
      controllers: [AuthController, UsersController, OpenApiController],
      providers: [
        { provide: AuthService, useValue: c.auth },
        { provide: UserService, useValue: c.users },
        { provide: AccessTokens, useValue: c.tokens },
        { provide: KEY_SET, useValue: c.keys },
        { provide: RedisSearchLimiter, useValue: c.searchLimiter },
        AuthGuard,
        AuthResolver,
        UsersResolver,
      ],
    };
  }
}
