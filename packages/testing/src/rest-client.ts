// The JSON-over-HTTP calls the suites make to a service or through the web server's proxy.

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** A JSON call; `body` as a string is sent verbatim (for malformed JSON); a non-JSON reply is text. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A failed `callOk`: the status is kept so a caller can react to a 401. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON call that must succeed: the parsed body, or an HttpError naming the call and the reply. */
export async function callOk<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const r = await call(base, method, path, body, token);
  if (r.status < 200 || r.status > 299) {
    throw new HttpError(r.status, `${method} ${path} → ${r.status} ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`);
  }
  return r.body as T;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

/**
 * A call as the holder of `session`: a 401 refreshes the tokens (POST /auth/refresh, as the SPA does),
 * updates `session` and replays the call once.
 */
export async function callAs<T>(base: string, session: Session, method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await callOk<T>(base, method, path, body, session.accessToken);
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 401)) throw e;
    const pair = await callOk<Session>(base, 'POST', '/auth/refresh', { refreshToken: session.refreshToken });
    session.accessToken = pair.accessToken;
    session.refreshToken = pair.refreshToken;
    return callOk<T>(base, method, path, body, session.accessToken);
  }
}
