import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RefreshTokenStore, RotateResult } from '../domain/ports';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Only the SHA-256 of a token is stored: a database leak yields no usable tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export class TypeOrmRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly ds: DataSource) {}

  async issue(userId: string, expiresAt: Date): Promise<string> {
    const token = newToken();
    await this.ds.getRepository(RefreshTokenEntity).insert({
      id: randomUUID(),
      userId,
      familyId: randomUUID(),
      tokenHash: hashToken(token),
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    return token;
  }

  async rotate(token: string, now: Date, nextExpiry: (familyStartedAt: Date) => Date | undefined): Promise<RotateResult> {
    return this.ds.transaction(async (m) => {
      // The row lock serializes two refreshes racing with the same token: the second sees it spent.
      const row = await m.findOne(RefreshTokenEntity, {
        where: { tokenHash: hashToken(token) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) return { kind: 'unknown' };
      if (row.usedAt || row.revokedAt) {
        await m
          .createQueryBuilder()
          .update(RefreshTokenEntity)
          .set({ revokedAt: now })
          .where('family_id = :f AND revoked_at IS NULL', { f: row.familyId })
          .execute();
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
        await m
          .createQueryBuilder()
          .update(RefreshTokenEntity)
          .set({ revokedAt: now })
          .where('family_id = :f AND revoked_at IS NULL', { f: row.familyId })
          .execute();
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
      return { kind: 'rotated', userId: row.userId, token: next };
    });
  }

  async revokeFamilyOf(token: string, now: Date): Promise<string | undefined> {
    const row = await this.ds.getRepository(RefreshTokenEntity).findOneBy({ tokenHash: hashToken(token) });
    if (!row) return undefined;
    await this.ds
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ revokedAt: now })
      .where('family_id = :f AND revoked_at IS NULL', { f: row.familyId })
      .execute();
    return row.userId;
  }
}
