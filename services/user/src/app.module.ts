import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { HealthRegistry, LOGGER, type Logger, type Metrics, type NatsLink, OutboxRelay, RuntimeModule } from '@converge/runtime';
import type { UserConfig } from './config';
import { AuthService } from './domain/auth.service';
import { systemClock } from './domain/ports';
import { UserService } from './domain/user.service';
import { TypeOrmRefreshTokenStore } from './persistence/refresh-token.store';
import { TypeOrmUserRepository } from './persistence/user.repository';
import { AccessTokens } from './security/access-tokens';
import { RedisLoginThrottle } from './security/login-throttle';
import { Argon2Hasher } from './security/password-hasher';
import type { KeySet } from './security/signing-keys';
import { DATA_SOURCE, KEY_SET, NATS, REDIS, RELAY, RELAY_POOL } from './tokens';
import { AuthGuard } from './transport/http/auth.guard';
import { AuthController } from './transport/http/auth.controller';
import { UsersController } from './transport/http/users.controller';
import { OpenApiController } from './transport/http/openapi.controller';
import { AuthResolver } from './transport/graphql/auth.resolver';
import { UsersResolver } from './transport/graphql/users.resolver';
import { accountTelemetry } from './user.telemetry';

/** The clients server.ts creates (and this module closes) around the config. */
export interface UserDeps {
  config: UserConfig;
  logger: Logger;
  metrics: Metrics;
  dataSource: DataSource;
  redis: Redis;
  nats: NatsLink;
  relayPool: Pool;
  keys: KeySet;
}

/**
 * The user service: REST controllers and GraphQL resolvers over one AuthService and one UserService,
 * readiness checks for PostgreSQL, Redis and NATS, and the outbox relay. It owns the clients' lifetime.
 */
@Module({})
export class UserAppModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly health: HealthRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(NATS) private readonly nats: NatsLink,
    @Inject(RELAY) private readonly relay: OutboxRelay,
    @Inject(RELAY_POOL) private readonly relayPool: Pool,
  ) {}

  static forRoot(d: UserDeps): DynamicModule {
    const c = d.config;
    const observer = accountTelemetry(d.logger, d.metrics.registry);
    const relay = new OutboxRelay({ pool: d.relayPool, nats: d.nats, logger: d.logger });
    const users = new TypeOrmUserRepository(d.dataSource, () => relay.kick());
    const tokens = new AccessTokens(d.keys, {
      issuer: c.JWT_ISSUER,
      audience: c.JWT_AUDIENCE,
      ttlSeconds: c.ACCESS_TOKEN_TTL_SECONDS,
    });
    const auth = new AuthService(
      users,
      new TypeOrmRefreshTokenStore(d.dataSource),
      new Argon2Hasher({ memoryCost: c.ARGON2_MEMORY_KIB, timeCost: c.ARGON2_TIME_COST, parallelism: 1 }),
      tokens,
      new RedisLoginThrottle(d.redis, {
        loginFailures: c.LOGIN_MAX_FAILURES,
        loginWindowSeconds: c.LOGIN_WINDOW_SECONDS,
        registrations: c.REGISTER_MAX_PER_IP,
        registrationWindowSeconds: c.REGISTER_WINDOW_SECONDS,
        keyPrefix: c.RATE_LIMIT_KEY_PREFIX,
      }),
      { refreshTokenTtlDays: c.REFRESH_TOKEN_TTL_DAYS },
      systemClock,
      observer,
    );
    return {
      module: UserAppModule,
      imports: [RuntimeModule.forRoot({ config: c, logger: d.logger, metrics: d.metrics })],
      controllers: [AuthController, UsersController, OpenApiController],
      providers: [
        { provide: AuthService, useValue: auth },
        { provide: UserService, useValue: new UserService(users, observer) },
        { provide: AccessTokens, useValue: tokens },
        { provide: KEY_SET, useValue: d.keys },
        { provide: DATA_SOURCE, useValue: d.dataSource },
        { provide: REDIS, useValue: d.redis },
        { provide: NATS, useValue: d.nats },
        { provide: RELAY, useValue: relay },
        { provide: RELAY_POOL, useValue: d.relayPool },
        AuthGuard,
        AuthResolver,
        UsersResolver,
      ],
    };
  }

  onModuleInit(): void {
    this.health.add('postgres', () => this.ds.query('SELECT 1'));
    this.health.add('redis', () => this.redis.ping());
    this.health.add('nats', () => this.nats.check());
    this.relay.start();
  }

  /** After the HTTP drain: stop relaying, then close every client; one failing step doesn't skip the rest. */
  async onApplicationShutdown(): Promise<void> {
    const steps: [string, () => Promise<unknown> | void][] = [
      ['outbox relay', () => this.relay.stop()],
      ['nats', () => this.nats.close()],
      ['redis', () => this.redis.disconnect()],
      ['relay pool', () => this.relayPool.end()],
      ['postgres', () => (this.ds.isInitialized ? this.ds.destroy() : undefined)],
    ];
    for (const [name, run] of steps) {
      try {
        await run();
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, client: name }, 'Closing a client failed');
      }
    }
  }
}
