import type { User } from '@converge/protocol';

/** A stored account. `passwordHash` never leaves the service. */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
}

/** The public shape of the contract. */
export function toPublicUser(u: UserRecord): User {
  return { id: u.id, username: u.username, displayName: u.displayName, createdAt: u.createdAt.toISOString() };
}
