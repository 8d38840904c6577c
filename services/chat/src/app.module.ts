import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { HealthRegistry, type Logger, type Metrics, type NatsLink, type OutboxRelay, RuntimeModule } from '@converge/runtime';
import type { ChatConfig } from './config';
import { ChatService } from './domain/chat.service';
import { TokenVerifier } from './security/token-verifier';
import { AuthGuard, RoomsController } from './transport/http/rooms.controller';

export interface ChatDeps {
  config: ChatConfig;
  logger: Logger;
  metrics: Metrics;
  dataSource: DataSource;
  redis: Redis;
  nats: NatsLink;
  relay: OutboxRelay;
  relayPool: Pool;
  chat: ChatService;
  tokens: TokenVerifier;
}

const DEPS = Symbol('CHAT_DEPS');

/** Readiness checks, and the lifetime of the clients the server created. */
@Module({})
class ChatLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly health: HealthRegistry,
    @Inject(DEPS) private readonly d: ChatDeps,
  ) {}

  onModuleInit(): void {
    this.health.add('postgres', () => this.d.dataSource.query('SELECT 1'));
    this.health.add('redis', () => this.d.redis.ping());
    this.health.add('nats', () => this.d.nats.check());
    this.d.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.d.relay.stop();
    await this.d.nats.close();
    await this.d.relayPool.end();
    if (this.d.dataSource.isInitialized) await this.d.dataSource.destroy();
  }
}

export function chatAppModule(d: ChatDeps): DynamicModule {
  return {
    module: ChatLifecycle,
    imports: [RuntimeModule.forRoot({ config: d.config, logger: d.logger, metrics: d.metrics })],
    controllers: [RoomsController],
    providers: [
      { provide: DEPS, useValue: d },
      { provide: ChatService, useValue: d.chat },
      { provide: TokenVerifier, useValue: d.tokens },
      AuthGuard,
    ],
  };
}
