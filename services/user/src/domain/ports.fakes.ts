// In-memory stand-ins for the domain's ports, for the domain's unit tests only. The real adapters
// (PostgreSQL, Redis, argon2, jose) are exercised by the integration tests in test/.
import { randomUUID } from 'node:crypto';
import { AppError } from '@converge/protocol';
import type {
  AccessTokenIssuer,
  AccountObserver,
  Clock,
  LoginThrottle,
  PasswordHasher,
  RefreshTokenRecord,
  RefreshTokenStore,
  RotateResult,
  UserRepository,
} from './ports';
import { systemClock } from './ports';
import type { UserRecord } from './user';

export class MemoryUsers implements UserRepository {
  readonly rows = new Map<string, UserRecord>();

  async create(user: UserRecord): Promise<void> {
    for (const u of this.rows.values()) {
      if (u.username === user.username) throw new AppError('CONFLICT', 'username is taken');
    }
    this.rows.set(user.id, { ...user });
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const u = this.rows.get(id);
    return u && { ...u };
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const u = [...this.rows.values()].find((x) => x.username === username.toLowerCase());
    return u && { ...u };
  }

  readonly searches: { prefix: string | undefined; limit: number }[] = [];
  async search(prefix: string | undefined, limit: number): Promise<UserRecord[]> {
    this.searches.push({ prefix, limit });
    return [...this.rows.values()]
      .filter((u) => !prefix || u.username.startsWith(prefix) || u.displayName.toLowerCase().startsWith(prefix))
      .sort((a, b) => a.username.localeCompare(b.username))
      .slice(0, limit);
  }

  async updateDisplayName(id: string, displayName: string): Promise<UserRecord | undefined> {
    const u = this.rows.get(id);
    if (!u) return undefined;
    u.displayName = displayName;
    return { ...u };
  }

  async delete(id: string): Promise<UserRecord | undefined> {
    const u = this.rows.get(id);
    this.rows.delete(id);
    return u;
  }
}

/** Same rules as the SQL store: single use, rotation within a family, reuse revokes the family. */
export class MemoryRefreshTokens implements RefreshTokenStore {
  readonly rows = new Map<string, RefreshTokenRecord>();

  constructor(private readonly clock: Clock = systemClock) {}

  private add(userId: string, familyId: string, familyStartedAt: Date, expiresAt: Date): string {
    const token = `rt-${randomUUID()}`;
    this.rows.set(token, { id: randomUUID(), userId, familyId, familyStartedAt, expiresAt, usedAt: null, revokedAt: null });
    return token;
  }

  async issue(userId: string, expiresAt: Date, familyId: string = randomUUID()): Promise<string> {
    return this.add(userId, familyId, this.clock.now(), expiresAt);
  }

  async rotate(token: string, now: Date, nextExpiry: (familyStartedAt: Date) => Date | undefined): Promise<RotateResult> {
    const row = this.rows.get(token);
    if (!row) return { kind: 'unknown' };
    if (row.usedAt || row.revokedAt) {
      this.revokeFamily(row.familyId, now);
      return { kind: 'reused', userId: row.userId, familyId: row.familyId };
    }
    if (row.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
    const expiresAt = nextExpiry(row.familyStartedAt);
    if (!expiresAt) {
      this.revokeFamily(row.familyId, now);
      return { kind: 'expired' };
    }
    row.usedAt = now;
    return { kind: 'rotated', userId: row.userId, token: this.add(row.userId, row.familyId, row.familyStartedAt, expiresAt), familyId: row.familyId };
  }

  async revokeFamilyOf(token: string, now: Date): Promise<string | undefined> {
    const row = this.rows.get(token);
    if (!row) return undefined;
    this.revokeFamily(row.familyId, now);
    return row.userId;
  }

  private revokeFamily(familyId: string, now: Date): void {
    for (const r of this.rows.values()) if (r.familyId === familyId && !r.revokedAt) r.revokedAt = now;
  }
}

/** Reversible "hash", so tests can see what was hashed; records every call. */
export class FakeHasher implements PasswordHasher {
  readonly hashed: string[] = [];
  readonly verified: (string | undefined)[] = [];

  async hash(password: string): Promise<string> {
    this.hashed.push(password);
    return `hashed:${password}`;
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    this.verified.push(hash);
    return hash === `hashed:${password}`;
  }
}

export class FakeAccessTokens implements AccessTokenIssuer {
  async sign(user: { id: string; username: string }): Promise<string> {
    return `access:${user.id}:${user.username}:${randomUUID()}`;
  }
}

/** Counts like the Redis throttle's username+IP budget (attempts paid before the check), `registrations` per IP. */
export class MemoryThrottle implements LoginThrottle {
  readonly failureCounts = new Map<string, number>();
  readonly registrationCounts = new Map<string, number>();

  constructor(
    private readonly failures = 5,
    private readonly registrations = 20,
  ) {}

  async reserve(username: string, ip: string): Promise<void> {
    const k = `${username}|${ip}`;
    const n = this.failureCounts.get(k) ?? 0;
    if (n >= this.failures) throw new AppError('RATE_LIMITED', 'too many failed logins', undefined, 900);
    this.failureCounts.set(k, n + 1);
  }

  async succeeded(username: string, ip: string): Promise<void> {
    this.failureCounts.delete(`${username}|${ip}`);
  }

  async refund(username: string, ip: string): Promise<void> {
    const k = `${username}|${ip}`;
    this.failureCounts.set(k, Math.max(0, (this.failureCounts.get(k) ?? 0) - 1));
  }

  async consumeRegistration(ip: string): Promise<void> {
    const n = (this.registrationCounts.get(ip) ?? 0) + 1;
    this.registrationCounts.set(ip, n);
    if (n > this.registrations) throw new AppError('RATE_LIMITED', 'too many registrations', undefined, 3600);
  }
}

export class ManualClock implements Clock {
  constructor(public current = new Date('2030-01-01T00:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Records what the use cases reported, in order. */
export class RecordingObserver implements AccountObserver {
  readonly events: [string, ...unknown[]][] = [];
  registered(userId: string): void {
    this.events.push(['registered', userId]);
  }
  login(outcome: string, userId?: string): void {
    this.events.push(['login', outcome, userId]);
  }
  refresh(outcome: string, ids?: { userId: string; familyId?: string }): void {
    this.events.push(['refresh', outcome, ids]);
  }
  loggedOut(userId: string | undefined): void {
    this.events.push(['loggedOut', userId]);
  }
  updated(userId: string): void {
    this.events.push(['updated', userId]);
  }
  deleted(userId: string): void {
    this.events.push(['deleted', userId]);
  }
}
