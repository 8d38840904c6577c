// Hostile GraphQL requests the hardening suites of both services send (the same bombs, one copy).

/** One operation with `n` aliases of `__typename`: valid, cheap per field, huge in total. */
export function aliasBomb(n: number): string {
  const fields: string[] = [];
  for (let i = 0; i < n; i++) fields.push(`a${i}:__typename`);
  return `query{${fields.join(' ')}}`;
}

/** A selection nested `depth` levels deep under `root` (a field of the Query type). */
export function deepQuery(root: string, depth: number): string {
  return `query{${root}${'{x'.repeat(depth - 1)}${'}'.repeat(depth - 1)}}`;
}

/** The introspection query a client such as GraphiQL starts with (abridged). */
export const INTROSPECTION_QUERY = 'query{__schema{queryType{name} types{name kind}}}';

export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
}

/** A POST with any content type and a body sent as is. */
export async function postRaw(url: string, contentType: string, body: string, headers: Record<string, string> = {}): Promise<RawReply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A CORS preflight from `origin`. */
export async function preflight(url: string, origin: string): Promise<RawReply> {
  const res = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
