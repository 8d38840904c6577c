import type { ChatMetrics } from '../../chat.metrics';
import type { TokenVerifier } from '../../auth/token-verifier';
import type { ChatService } from '../../domain/chat.service';
import type { ActionLimiter } from '../../domain/ports';
import type { Handle } from './socket-handler';

/** What the per-subject handler factories use. */
export interface HandlerDeps {
  chat: ChatService;
  tokens: TokenVerifier;
  metrics: ChatMetrics;
  /** The per-user limits (the use cases consume their own; handlers only what has no use case, typing). */
  limits: ActionLimiter;
  /** The typed, parse-once registration (socket-handler.ts). */
  handle: Handle;
}
