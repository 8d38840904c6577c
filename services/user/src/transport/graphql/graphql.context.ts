import type { IncomingMessage } from 'node:http';
import type { AccessIdentity } from '../../security/access-tokens';

export interface GraphQLContext {
  /** The caller's identity from the Authorization header; UNAUTHENTICATED when absent or invalid. */
  caller(): Promise<AccessIdentity>;
  ip: string;
  req: IncomingMessage;
}

/** GraphQL arguments left out are `undefined`, as in a REST body; nulls are dropped the same way. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
