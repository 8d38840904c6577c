import type { UserRecord } from './user';

/**
 * Users, stored with their events: every change writes its `users.*` event in the same transaction
 * (transactional outbox), so an event is published if and only if the change committed.
 */
export interface UserRepository {
  /** Throws AppError CONFLICT when the username is taken. */
  create(user: UserRecord): Promise<void>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  search(prefix: string | undefined, limit: number): Promise<UserRecord[]>;
  updateDisplayName(id: string, displayName: string): Promise<UserRecord | undefined>;
  /** Deletes the user and revokes every refresh token they hold. */
  delete(id: string): Promise<UserRecord | undefined>;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  /** When the family's first token was issued (the login): its absolute lifetime counts from here. */
  familyStartedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export type RotateResult =
  | { kind: 'rotated'; userId: string; token: string; familyId: string }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'reused'; userId: string; familyId: string };

export interface RefreshTokenStore {
  /** Issues a new token in a new family (login, register); `familyId` is the session the access token names. */
  issue(userId: string, expiresAt: Date, familyId?: string): Promise<string>;
  /**
   * Atomically spends `token` and issues its successor in the same family, expiring at
   * `nextExpiry(familyStartedAt)`; when that answers undefined (the family outlived its absolute
   * lifetime) the family is revoked and the answer is `expired`. A token that was already spent or
   * revoked revokes the whole family instead.
   */
  rotate(token: string, now: Date, nextExpiry: (familyStartedAt: Date) => Date | undefined): Promise<RotateResult>;
  /** Revokes the family `token` belongs to (logout) and answers its user; unknown tokens are ignored. */
  revokeFamilyOf(token: string, now: Date): Promise<string | undefined>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * False for a wrong password. With no hash (unknown user) it still does the work of a verify and
   * answers false, so response time does not reveal which usernames exist.
   */
  verify(hash: string | undefined, password: string): Promise<boolean>;
}

export interface AccessTokenIssuer {
  /** `sessionId`: the refresh-token family, as the `sid` claim (revoking the session closes what it holds open). */
  sign(user: { id: string; username: string }, sessionId?: string): Promise<string>;
}

export interface LoginThrottle {
  /**
   * Pays for one login attempt before its password is checked, atomically, from every budget it counts
   * against (username+IP, the IP across usernames, the username across IPs). Throws RATE_LIMITED (with
   * retry seconds) when one of them is spent; the password is then not checked at all.
   */
  reserve(username: string, ip: string): Promise<void>;
  /** The attempt was a success: this username+IP's failures are forgotten, its other attempts given back. */
  succeeded(username: string, ip: string): Promise<void>;
  /**
   * The attempt reached no verdict (the database was down or failing over): what `reserve` took is
   * given back, so a user retrying through an outage is not locked out by attempts never judged.
   */
  refund(username: string, ip: string): Promise<void>;
  /** Throws RATE_LIMITED when this IP registered too often. */
  consumeRegistration(ip: string): Promise<void>;
}

export type LoginOutcome = 'ok' | 'bad_credentials' | 'throttled';
export type RefreshOutcome = 'ok' | 'unknown' | 'expired' | 'reuse_detected' | 'no_account';

/**
 * What the use cases report as it happens, for log lines and metrics. Only ids and outcomes:
 * never a password or a token.
 */
export interface AccountObserver {
  registered(userId: string): void;
  login(outcome: LoginOutcome, userId?: string): void;
  refresh(outcome: RefreshOutcome, ids?: { userId: string; familyId?: string }): void;
  loggedOut(userId: string | undefined): void;
  updated(userId: string): void;
  deleted(userId: string): void;
}

export const silentObserver: AccountObserver = {
  registered: () => undefined,
  login: () => undefined,
  refresh: () => undefined,
  loggedOut: () => undefined,
  updated: () => undefined,
  deleted: () => undefined,
};

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
