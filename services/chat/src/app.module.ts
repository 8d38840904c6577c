import { type DynamicModule, Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { HealthRegistry, type Logger, type Metrics, type NatsLink, type Redis, RuntimeModule } from '@converge/runtime';
import { CHAT_METRICS, type ChatMetrics } from './chat.metrics';
import type { ChatConfig } from './config';
import { ChatService } from './domain/chat.service';
import { TokenVerifier } from './auth/token-verifier';
import { AuthGuard, RoomsController } from './transport/http/rooms.controller';
import { OpenApiController } from './transport/http/openapi.controller';

export interface ChatModuleDeps {
  config: ChatConfig;
  logger: Logger;
  metrics: Metrics;
  chatMetrics: ChatMetrics;
  pool: Pool;
  redis: Redis;
  nats: NatsLink;
  chat: ChatService;
  tokens: TokenVerifier;
}

const DEPS = Symbol('CHAT_DEPS');

/**
 * Readiness: PostgreSQL only. Without Redis or NATS the pod still stores and acks sends (real time
 * and events catch up afterwards), so taking it out of the Service would only make things worse.
 */
@Module({})
class ChatReadiness implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    @Inject(DEPS) private readonly d: ChatModuleDeps,
  ) {}

  onModuleInit(): void {
    this.health.add('postgres', () => this.d.pool.query('SELECT 1'));
  }
}

/** REST routes, probes and metrics; the clients are built (and closed) by server.ts. */
export function chatAppModule(d: ChatModuleDeps): DynamicModule {
  return {
    module: ChatReadiness,
    imports: [RuntimeModule.forRoot({ config: d.config, logger: d.logger, metrics: d.metrics })],
    controllers: [RoomsController, OpenApiController],
    providers: [
      { provide: DEPS, useValue: d },
      { provide: ChatService, useValue: d.chat },
      { provide: TokenVerifier, useValue: d.tokens },
      { provide: CHAT_METRICS, useValue: d.chatMetrics },
      AuthGuard,
    ],
  };
}
