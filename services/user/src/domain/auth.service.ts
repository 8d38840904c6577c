import { randomUUID } from 'node:crypto';
import {
  AppError,
  type AuthResult,
  type LoginBody,
  loginBodySchema,
  parseOrThrow,
  refreshBodySchema,
  type RegisterBody,
  registerBodySchema,
  type TokenPair,
} from '@converge/protocol';
import {
  type AccessTokenIssuer,
  type AccountObserver,
  type Clock,
  type LoginThrottle,
  type PasswordHasher,
  type RefreshTokenStore,
  silentObserver,
  type UserRepository,
} from './ports';
import { toPublicUser, type UserRecord } from './user';

export interface AuthSettings {
  refreshTokenTtlDays: number;
  /** Absolute lifetime of a refresh-token family (one login): rotation never extends it. Fractions allowed. */
  refreshFamilyMaxDays: number;
}

const DAY_MS = 86_400_000;

/**
 * When a refresh token issued at `now` in a family begun at `familyStartedAt` expires: its own TTL,
 * cut at the family's absolute end. Undefined once the family has reached that end (log in again).
 */
export function refreshTokenExpiry(now: Date, familyStartedAt: Date, s: AuthSettings): Date | undefined {
  const familyEnd = familyStartedAt.getTime() + s.refreshFamilyMaxDays * DAY_MS;
  if (familyEnd <= now.getTime()) return undefined;
  return new Date(Math.min(now.getTime() + s.refreshTokenTtlDays * DAY_MS, familyEnd));
}

/**
 * Registration, login, refresh rotation and logout. Inputs arrive unparsed from any transport and are
 * validated here with the contract's schemas, so REST and GraphQL behave the same.
 */
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly throttle: LoginThrottle,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
    private readonly observer: AccountObserver = silentObserver,
  ) {}

  async register(input: unknown, ip: string): Promise<AuthResult> {
    const body: RegisterBody = parseOrThrow(registerBodySchema, input);
    await this.throttle.consumeRegistration(ip);
    const user: UserRecord = {
      id: randomUUID(),
      username: body.username,
      displayName: body.displayName?.trim() || body.username,
      passwordHash: await this.passwords.hash(body.password),
      createdAt: this.clock.now(),
    };
    await this.users.create(user);
    this.observer.registered(user.id);
    return { user: toPublicUser(user), ...(await this.issuePair(user)) };
  }

  async login(input: unknown, ip: string): Promise<AuthResult> {
    const body: LoginBody = parseOrThrow(loginBodySchema, input);
    try {
      // Paid before argon2 runs, so parallel guesses cannot all be checked before one is counted.
      await this.throttle.reserve(body.username, ip);
    } catch (e) {
      this.observer.login('throttled');
      throw e;
    }
    let user: Awaited<ReturnType<UserRepository['findByUsername']>>;
    let ok: boolean;
    try {
      user = await this.users.findByUsername(body.username);
      ok = await this.passwords.verify(user?.passwordHash, body.password);
    } catch (e) {
      // No verdict on the password (the database is down or failing over): the client retries the
      // UNAVAILABLE, and attempts nobody judged must not lock the account for the window.
      await this.throttle.refund(body.username, ip);
      throw e;
    }
    if (!user || !ok) {
      this.observer.login('bad_credentials', user?.id);
      throw new AppError('UNAUTHENTICATED', 'wrong username or password');
    }
    await this.throttle.succeeded(body.username, ip);
    this.observer.login('ok', user.id);
    return { user: toPublicUser(user), ...(await this.issuePair(user)) };
  }

  async refresh(input: unknown): Promise<TokenPair> {
    const { refreshToken } = parseOrThrow(refreshBodySchema, input);
    const now = this.clock.now();
    const result = await this.refreshTokens.rotate(refreshToken, now, (started) => refreshTokenExpiry(now, started, this.settings));
    if (result.kind === 'reused') {
      this.observer.refresh('reuse_detected', { userId: result.userId, familyId: result.familyId });
      throw new AppError('UNAUTHENTICATED', 'refresh token was already used; the session is revoked');
    }
    if (result.kind !== 'rotated') {
      this.observer.refresh(result.kind);
      throw new AppError('UNAUTHENTICATED', 'refresh token is invalid or expired');
    }
    const user = await this.users.findById(result.userId);
    if (!user) {
      // Deleting an account removes its tokens; this only happens when a delete races the refresh.
      this.observer.refresh('no_account', { userId: result.userId });
      throw new AppError('UNAUTHENTICATED', 'account no longer exists');
    }
    this.observer.refresh('ok', { userId: user.id });
    return { accessToken: await this.accessTokens.sign(user, result.familyId), refreshToken: result.token };
  }

  async logout(input: unknown): Promise<void> {
    const { refreshToken } = parseOrThrow(refreshBodySchema, input);
    this.observer.loggedOut(await this.refreshTokens.revokeFamilyOf(refreshToken, this.clock.now()));
  }

  private async issuePair(user: UserRecord): Promise<TokenPair> {
    // The session id is chosen here so that the access token can name the family it belongs to.
    const sessionId = randomUUID();
    const [accessToken, refreshToken] = await Promise.all([
      this.accessTokens.sign(user, sessionId),
      this.refreshTokens.issue(user.id, this.firstExpiry(this.clock.now()), sessionId),
    ]);
    return { accessToken, refreshToken };
  }

  private firstExpiry(now: Date): Date {
    // A family begun now is never past its end (refreshFamilyMaxDays > 0).
    return refreshTokenExpiry(now, now, this.settings) ?? now;
  }
}
