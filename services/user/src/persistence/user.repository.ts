import { AppError } from '@converge/protocol';
import { outboxInsert } from '@converge/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import type { UserRepository } from '../domain/ports';
import type { UserRecord } from '../domain/user';
import { userEvent } from '../events/user.events';
import { UserEntity } from './user.entity';

const UNIQUE_VIOLATION = '23505';

function toRecord(e: UserEntity): UserRecord {
  return { id: e.id, username: e.username, displayName: e.displayName, passwordHash: e.passwordHash, createdAt: e.createdAt };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Users in PostgreSQL; each change and its `users.*` outbox event commit in one transaction. */
export class TypeOrmUserRepository implements UserRepository {
  constructor(
    private readonly ds: DataSource,
    /** Told after a commit that wrote events, so the relay publishes without waiting for its poll. */
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  private async withEvent<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.ds.transaction(fn);
    this.onEventsCommitted();
    return result;
  }

  async create(user: UserRecord): Promise<void> {
    try {
      await this.withEvent(async (m) => {
        await m.insert(UserEntity, {
          id: user.id,
          username: user.username,
          displayName: user.displayName,
          passwordHash: user.passwordHash,
          createdAt: user.createdAt,
        });
        await m.query(...outboxInsert(userEvent('registered', user)));
      });
    } catch (e) {
      if ((e as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) {
        throw new AppError('CONFLICT', 'username is taken');
      }
      throw e;
    }
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const e = await this.ds.getRepository(UserEntity).findOneBy({ id });
    return e ? toRecord(e) : undefined;
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const e = await this.ds.getRepository(UserEntity).findOneBy({ username: username.toLowerCase() });
    return e ? toRecord(e) : undefined;
  }

  async search(prefix: string | undefined, limit: number): Promise<UserRecord[]> {
    const qb = this.ds.getRepository(UserEntity).createQueryBuilder('u').orderBy('u.username').limit(limit);
    if (prefix) {
      const p = `${escapeLike(prefix)}%`;
      qb.where('u.username LIKE :p OR lower(u.display_name) LIKE :p', { p });
    }
    return (await qb.getMany()).map(toRecord);
  }

  async updateDisplayName(id: string, displayName: string): Promise<UserRecord | undefined> {
    return this.withEvent(async (m) => {
      const e = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!e) return undefined;
      e.displayName = displayName;
      await m.save(e);
      const user = toRecord(e);
      await m.query(...outboxInsert(userEvent('updated', user)));
      return user;
    });
  }

  async delete(id: string): Promise<UserRecord | undefined> {
    return this.withEvent(async (m) => {
      const e = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!e) return undefined;
      // Refresh tokens go with the row (ON DELETE CASCADE): every session ends.
      await m.delete(UserEntity, { id });
      const user = toRecord(e);
      await m.query(...outboxInsert(userEvent('deleted', user)));
      return user;
    });
  }
}
