// The signed-in session: who the user is and the tokens that prove it.
//
// How tokens are kept, and why:
// - The access token (a 15-minute JWT) lives only in this module's memory. It is never written to
//   storage, so a script injected later, or another page of the origin, cannot lift it from
//   localStorage, and it is gone when the tab closes.
// - The refresh token (opaque, single use, rotated on every refresh) is kept in sessionStorage, so a
//   reload of the tab keeps the user signed in, but it dies with the tab and is not shared with other
//   tabs (no two tabs racing to spend the same single-use token, which the user service treats as theft
//   and answers by revoking the whole family). localStorage would survive a browser restart, a wider
//   exposure window we do not need. The better option, an HttpOnly cookie, needs the auth endpoints
//   to set and read cookies, which the public contract does not do; the contract hands both tokens to
//   the client in JSON bodies.
// - The access token is refreshed before it expires (a minute before, or at 80% of a short lifetime), with a single in-flight refresh shared by every caller. A refresh answered 401 means the
//   session was revoked (logout elsewhere, a reused refresh token, a deleted account): the store
//   forgets everything and the login page explains why.
import type { AuthResult, TokenPair, User } from '@converge/protocol';
import { createStore } from 'solid-js/store';
import { type Api, ApiFailure } from '../lib/api';
import { tokenTimes } from '../lib/jwt';

const REFRESH_KEY = 'converge.refreshToken';
const REVOKED = 'Your session has ended (signed out elsewhere or revoked). Please sign in again.';

export type SessionStatus = 'restoring' | 'signedOut' | 'signedIn';

interface SessionState {
  status: SessionStatus;
  user: User | null;
  /** Why the user is on the login page (a revoked session), shown there once. */
  notice: string | null;
}

type Outcome = 'ok' | 'revoked' | 'unreachable';

/** Where the refresh token is kept: the tab's sessionStorage in the app (see above). */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface SessionDeps {
  api: Pick<Api, 'refresh' | 'me' | 'login' | 'register' | 'logout' | 'updateMe'>;
  storage: TokenStorage;
}

export function createSessionStore({ api, storage }: SessionDeps) {
  const [state, setState] = createStore<SessionState>({ status: 'restoring', user: null, notice: null });

  let accessToken: string | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const tokenListeners = new Set<(token: string) => void>();
  const endListeners = new Set<() => void>();

  function storedRefreshToken(): string | null {
    try {
      return storage.getItem(REFRESH_KEY);
    } catch {
      return null;
    }
  }

  function storeRefreshToken(token: string | null): void {
    try {
      if (token) storage.setItem(REFRESH_KEY, token);
      else storage.removeItem(REFRESH_KEY);
    } catch {
      // Storage disabled: the session still works until the tab is reloaded.
    }
  }

  function schedule(token: string): void {
    clearTimeout(refreshTimer);
    const t = tokenTimes(token);
    if (!t) return;
    // A minute before expiry, or at 80% of the lifetime when tokens are short-lived.
    const lifetimeMs = Math.max(0, (t.exp - t.iat) * 1000);
    const at = t.exp * 1000 - Math.min(60_000, lifetimeMs * 0.2);
    refreshTimer = setTimeout(() => void refresh(), Math.max(1000, at - Date.now()));
  }

  function adopt(pair: TokenPair): void {
    accessToken = pair.accessToken;
    storeRefreshToken(pair.refreshToken);
    schedule(pair.accessToken);
    for (const l of tokenListeners) l(pair.accessToken);
  }

  function forget(notice: string | null): void {
    clearTimeout(refreshTimer);
    accessToken = null;
    storeRefreshToken(null);
    const wasSignedIn = state.status === 'signedIn';
    setState({ status: 'signedOut', user: null, notice });
    if (wasSignedIn) for (const l of endListeners) l();
  }

  let inFlight: Promise<Outcome> | null = null;

  /** Single-flight refresh: every caller waits on the same request, so a rotated token is spent once. */
  function refreshOutcome(): Promise<Outcome> {
    if (inFlight) return inFlight;
    const token = storedRefreshToken();
    if (!token) {
      if (state.status === 'signedIn') forget(REVOKED);
      return Promise.resolve('revoked');
    }
    inFlight = (async (): Promise<Outcome> => {
      for (let attempt = 0; ; attempt++) {
        try {
          adopt(await api.refresh(token));
          return 'ok';
        } catch (e) {
          if (e instanceof ApiFailure && (e.code === 'UNAUTHENTICATED' || e.code === 'VALIDATION_FAILED')) {
            // A stored token the server refuses: signed out elsewhere, reused, or expired.
            forget(REVOKED);
            return 'revoked';
          }
          // Offline or the user service is down: the session is not lost, try again shortly.
          if (attempt >= 2) {
            if (state.status === 'signedIn') {
              clearTimeout(refreshTimer);
              refreshTimer = setTimeout(() => void refreshOutcome(), 10_000);
            }
            return 'unreachable';
          }
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
        }
      }
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function refresh(): Promise<boolean> {
    return refreshOutcome().then((o) => o === 'ok');
  }

  function signedIn(result: AuthResult): void {
    adopt(result);
    setState({ status: 'signedIn', user: result.user, notice: null });
  }

  const session = {
    state,
    accessToken: () => accessToken,
    refresh,

    /** On page load: a refresh token from this tab's earlier life brings the session back. */
    async restore(): Promise<void> {
      if (!storedRefreshToken()) {
        setState('status', 'signedOut');
        return;
      }
      // The user service unreachable (offline, a deploy) is not a lost session: keep trying.
      for (let outcome = await refreshOutcome(); outcome !== 'ok'; outcome = await refreshOutcome()) {
        if (outcome === 'revoked') return;
        setState('notice', "Can't reach Converge right now. Retrying…");
        await new Promise((r) => setTimeout(r, 3000));
      }
      try {
        const user = await api.me();
        setState({ status: 'signedIn', user, notice: null });
      } catch {
        forget(null);
      }
    },

    async login(username: string, password: string): Promise<void> {
      signedIn(await api.login(username, password));
    },

    async register(username: string, password: string, displayName?: string): Promise<void> {
      signedIn(await api.register(username, password, displayName));
    },

    async logout(): Promise<void> {
      const token = storedRefreshToken();
      forget(null);
      if (token) await api.logout(token).catch(() => undefined);
    },

    /** The server refused our credentials for good (e.g. the socket after a failed refresh). */
    revoked(): void {
      if (state.status === 'signedIn') forget(REVOKED);
    },

    /** PATCH /users/me: the new display name, as the user service stored it. */
    async updateDisplayName(displayName: string): Promise<User> {
      const user = await api.updateMe(displayName);
      setState('user', user);
      return user;
    },

    setUser(user: User): void {
      setState('user', user);
    },

    clearNotice(): void {
      setState('notice', null);
    },

    onToken(l: (token: string) => void): () => void {
      tokenListeners.add(l);
      return () => tokenListeners.delete(l);
    },

    onEnd(l: () => void): () => void {
      endListeners.add(l);
      return () => endListeners.delete(l);
    },

    me(): string {
      return state.user?.id ?? '';
    },
  };
  return session;
}

export type SessionStore = ReturnType<typeof createSessionStore>;
