// Every REST call of the contract (docs/API.md), typed by @converge/protocol, on same-origin
// relative URLs: the web server (or Vite in dev, or the Ingress in a cluster) routes them to the services.
import type {
  ApiError as ContractError,
  AuthResult,
  ChangesPage,
  ErrorCode,
  Member,
  Message,
  MessagePage,
  Room,
  RoomList,
  TokenPair,
  User,
  UserList,
} from '@converge/protocol';

/** A failed call: a contract error code, or NETWORK when no answer came (offline, service down, timeout). */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly status: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** What the session store gives the API: the current access token and a single-flight refresh. */
export interface TokenSource {
  accessToken(): string | null;
  /** Resolves true when a fresh access token is in place; false when the session is gone. */
  refresh(): Promise<boolean>;
}

let tokens: TokenSource | null = null;
export function useTokenSource(source: TokenSource): void {
  tokens = source;
}

const TIMEOUT_MS = 15_000;

interface CallOptions {
  body?: unknown;
  /** Send the bearer token (and refresh once on 401). */
  auth?: boolean;
}

async function call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const useAuth = opts.auth ?? true;
  const attempt = async (): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const token = useAuth ? tokens?.accessToken() : null;
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiFailure('NETWORK', 'No connection to the server', 0);
    }
  };
  let res = await attempt();
  // An access token can expire between the scheduled refresh and this call (a sleeping laptop):
  // refresh once and replay. A refresh that fails ends the session (the store shows the login page).
  if (res.status === 401 && useAuth && tokens) {
    if (await tokens.refresh()) res = await attempt();
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page: reported below by status.
  }
  if (!res.ok) {
    const err = (data as { error?: ContractError } | undefined)?.error;
    const retry = Number(res.headers.get('retry-after'));
    const code: ErrorCode | 'NETWORK' = err?.code ?? (res.status >= 502 ? 'UNAVAILABLE' : 'NETWORK');
    throw new ApiFailure(code, err?.message ?? `Request failed (${res.status})`, res.status, Number.isFinite(retry) && retry > 0 ? retry : undefined);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const api = {
  register: (username: string, password: string, displayName?: string) =>
    call<AuthResult>('POST', '/auth/register', {
      auth: false,
      body: displayName ? { username, password, displayName } : { username, password },
    }),
  login: (username: string, password: string) =>
    call<AuthResult>('POST', '/auth/login', { auth: false, body: { username, password } }),
  refresh: (refreshToken: string) => call<TokenPair>('POST', '/auth/refresh', { auth: false, body: { refreshToken } }),
  logout: (refreshToken: string) => call<void>('POST', '/auth/logout', { auth: false, body: { refreshToken } }),

  me: () => call<User>('GET', '/users/me'),
  updateMe: (displayName: string) => call<User>('PATCH', '/users/me', { body: { displayName } }),
  user: (id: string) => call<User>('GET', `/users/${enc(id)}`),
  searchUsers: (prefix: string, limit = 10) =>
    call<UserList>('GET', `/users?search=${enc(prefix)}&limit=${limit}`),

  rooms: () => call<RoomList>('GET', '/rooms'),
  room: (id: string) => call<Room>('GET', `/rooms/${enc(id)}`),
  createGroup: (name: string, memberIds: string[]) => call<Room>('POST', '/rooms', { body: { name, memberIds } }),
  createDirect: (userId: string) => call<Room>('POST', '/rooms', { body: { directWith: userId } }),
  renameRoom: (id: string, name: string) => call<Room>('PATCH', `/rooms/${enc(id)}`, { body: { name } }),
  addMember: (id: string, userId: string) => call<Member>('POST', `/rooms/${enc(id)}/members`, { body: { userId } }),
  removeMember: (id: string, userId: string) => call<void>('DELETE', `/rooms/${enc(id)}/members/${enc(userId)}`),

  /** The latest page (no cursor) or the page before `before`; both come newest first. */
  history: (roomId: string, page: { before?: number; limit?: number } = {}) => {
    const q = new URLSearchParams();
    if (page.before !== undefined) q.set('before', String(page.before));
    q.set('limit', String(page.limit ?? 50));
    return call<MessagePage>('GET', `/rooms/${enc(roomId)}/messages?${q.toString()}`);
  },
  /** Oldest first, from `after` (exclusive). */
  historyAfter: (roomId: string, after: number, limit = 200) =>
    call<MessagePage>('GET', `/rooms/${enc(roomId)}/messages?after=${after}&limit=${limit}`),
  sendMessage: (roomId: string, body: string, clientMsgId: string) =>
    call<Message>('POST', `/rooms/${enc(roomId)}/messages`, { body: { body, clientMsgId } }),
  editMessage: (roomId: string, seq: number, body: string) =>
    call<Message>('PATCH', `/rooms/${enc(roomId)}/messages/${seq}`, { body: { body } }),
  deleteMessage: (roomId: string, seq: number) => call<void>('DELETE', `/rooms/${enc(roomId)}/messages/${seq}`),
  addReaction: (roomId: string, seq: number, emoji: string) =>
    call<void>('PUT', `/rooms/${enc(roomId)}/messages/${seq}/reactions/${enc(emoji)}`),
  removeReaction: (roomId: string, seq: number, emoji: string) =>
    call<void>('DELETE', `/rooms/${enc(roomId)}/messages/${seq}/reactions/${enc(emoji)}`),
  /** Every message changed after `afterRev`, in rev order, each in its latest state. */
  changes: (roomId: string, afterRev: number, limit = 500) =>
    call<ChangesPage>('GET', `/rooms/${enc(roomId)}/changes?afterRev=${afterRev}&limit=${limit}`),
  /**
   * Which members are online now. Beyond the contract (the chat service adds it): `presence` events
   * only tell of changes, so without it someone online before we connected would look offline.
   */
  presence: (roomId: string) =>
    call<{ users: { userId: string; online: boolean }[] }>('GET', `/rooms/${enc(roomId)}/presence`),
  markRead: (roomId: string, seq: number) => call<void>('POST', `/rooms/${enc(roomId)}/read`, { body: { seq } }),
};

/** The REST calls the stores are built over (the real `api`, or a fake in the store tests). */
export type Api = typeof api;
