import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { outboxInsert } from '@converge/runtime';
import { sessionRevokedEvent } from '../events/session.events';
import type { RefreshTokenStore, RotateResult } from '../domain/ports';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Only the SHA-256 of a token is stored: a database leak yields no usable tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Revokes every token of a family still live (a reuse, an expired family, a logout). */
async function revokeFamily(m: EntityManager, familyId: string, now: Date): Promise<void> {
  await m
    .createQueryBuilder()
    .update(RefreshTokenEntity)
    .set({ revokedAt: now })
    .where('family_id = :f AND revoked_at IS NULL', { f: familyId })
    .execute();
}

export class TypeOrmRefreshTokenStore implements RefreshTokenStore {
  constructor(
    private readonly ds: DataSource,
    /** Called after a transaction that wrote an outbox event committed (the relay's kick). */
    private readonly eventsWritten: () => void = () => undefined,
  ) {}

  async issue(userId: string, expiresAt: Date, familyId: string = randomUUID()): Promise<string> {
    const token = newToken();
    await this.ds.getRepository(RefreshTokenEntity).insert({
      id: randomUUID(),
      userId,
      familyId,
      tokenHash: hashToken(token),
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    return token;
  }

  async rotate(token: string, now: Date, nextExpiry: (familyStartedAt: Date) => Date | undefined): Promise<RotateResult> {
    return this.ds.transaction(async (m): Promise<RotateResult> => {
      // The row lock serializes two refreshes racing with the same token: the second sees it spent.
      const row = await m.findOne(RefreshTokenEntity, {
        where: { tokenHash: hashToken(token) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) return { kind: 'unknown' };
      if (row.usedAt || row.revokedAt) {
        await revokeFamily(m, row.familyId, now);
        await m.query(...outboxInsert(sessionRevokedEvent(row.userId, row.familyId, now)));
        return { kind: 'reused', userId: row.userId, familyId: row.familyId };
      }
      if (row.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
      // The family began with its first token (the login); every row of it is kept until the user
      // is deleted, so the oldest row's creation is that moment.
      const started = await m
        .createQueryBuilder(RefreshTokenEntity, 't')
        .select('min(t.created_at)', 'started')
        .where('t.family_id = :f', { f: row.familyId })
        .getRawOne<{ started: Date }>();
      const newExpiresAt = nextExpiry(started?.started ?? row.createdAt);
      if (!newExpiresAt) {
        await revokeFamily(m, row.familyId, now);
        return { kind: 'expired' };
      }
      row.usedAt = now;
      await m.save(row);
      const next = newToken();
      await m.insert(RefreshTokenEntity, {
        id: randomUUID(),
        userId: row.userId,
        familyId: row.familyId,
        tokenHash: hashToken(next),
        expiresAt: newExpiresAt,
        usedAt: null,
        revokedAt: null,
      });
      return { kind: 'rotated', userId: row.userId, token: next, familyId: row.familyId };
    }).then((r) => {
      if (r.kind === 'reused') this.eventsWritten();
      return r;
    });
  }

  async revokeFamilyOf(token: string, now: Date): Promise<string | undefined> {
    return this.ds.transaction(async (m) => {
      const row = await m.findOneBy(RefreshTokenEntity, { tokenHash: hashToken(token) });
      if (!row) return undefined;
      await revokeFamily(m, row.familyId, now);
      // With the revocation, in its transaction: chat closes what this session holds open.
      await m.query(...outboxInsert(sessionRevokedEvent(row.userId, row.familyId, now)));
      return row.userId;
    }).then((userId) => {
      if (userId) this.eventsWritten();
      return userId;
    });
  }
}
