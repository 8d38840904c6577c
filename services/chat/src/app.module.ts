import { type DynamicModule, Module } from '@nestjs/common';
import { RuntimeModule } from '@converge/runtime-nest';
import { CHAT_METRICS } from './chat.metrics';
import type { ChatComponents } from './components';
import type { ChatConfig } from './config';
import { ChatService } from './domain/chat.service';
import { TokenVerifier } from './auth/token-verifier';
import { AuthGuard, RoomsController } from './transport/http/rooms.controller';
import { OpenApiController } from './transport/http/openapi.controller';

@Module({})
class ChatAppModule {}

/**
 * REST routes, probes and metrics. The composition root (application.ts) builds and closes
 * everything injected here, and registers readiness.
 */
export function chatAppModule(config: ChatConfig, c: ChatComponents): DynamicModule {
  return {
    module: ChatAppModule,
    imports: [RuntimeModule.forRoot({ config, logger: c.logger, metrics: c.metrics, health: c.health })],
    controllers: [RoomsController, OpenApiController],
    providers: [
      { provide: ChatService, useValue: c.chat },
      { provide: TokenVerifier, useValue: c.tokens },
      { provide: CHAT_METRICS, useValue: c.chatMetrics },
      AuthGuard,
    ],
  };
}
