import type { ChatService } from '../../domain/chat.service';
import type { Identity } from '../../auth/token-verifier';
import type { RoomEventBus } from './room-event.bus';

export interface GraphQLContext {
  /** The caller's identity (Authorization header, or the graphql-ws connection params); UNAUTHENTICATED when absent or invalid. */
  caller(): Promise<Identity>;
  /** For subscriptions, whose subscribe functions have no resolver instance. */
  chat: ChatService;
  bus: RoomEventBus;
}

/** GraphQL arguments left out are `undefined`, as in a REST body; nulls are dropped the same way. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
