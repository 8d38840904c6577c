import {
  AppError,
  parseOrThrow,
  updateMeBodySchema,
  type User,
  userIdParamSchema,
  userSearchQuerySchema,
} from '@converge/protocol';
import { type AccountObserver, silentObserver, type UserRepository } from './ports';
import { toPublicUser } from './user';

const DEFAULT_SEARCH_LIMIT = 20;

/** Reading and changing accounts; the caller's id comes from a verified access token. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly observer: AccountObserver = silentObserver,
  ) {}

  async me(callerId: string): Promise<User> {
    const u = await this.users.findById(callerId);
    if (!u) throw new AppError('UNAUTHENTICATED', 'account no longer exists');
    return toPublicUser(u);
  }

  async get(id: unknown): Promise<User> {
    const parsed = userIdParamSchema.safeParse(id);
    const u = parsed.success ? await this.users.findById(parsed.data) : undefined;
    if (!u) throw new AppError('NOT_FOUND', 'no such user');
    return toPublicUser(u);
  }

  async search(query: unknown): Promise<User[]> {
    const q = parseOrThrow(userSearchQuerySchema, query);
    const prefix = q.search?.trim().toLowerCase() || undefined;
    const found = await this.users.search(prefix, q.limit ?? DEFAULT_SEARCH_LIMIT);
    return found.map(toPublicUser);
  }

  async updateMe(callerId: string, input: unknown): Promise<User> {
    const body = parseOrThrow(updateMeBodySchema, input);
    const u = await this.users.updateDisplayName(callerId, body.displayName.trim());
    if (!u) throw new AppError('UNAUTHENTICATED', 'account no longer exists');
    this.observer.updated(u.id);
    return toPublicUser(u);
  }

  async deleteMe(callerId: string): Promise<void> {
    const u = await this.users.delete(callerId);
    if (!u) throw new AppError('UNAUTHENTICATED', 'account no longer exists');
    this.observer.deleted(u.id);
  }
}
