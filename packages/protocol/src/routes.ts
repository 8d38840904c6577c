// The HTTP path prefixes of the API and which service owns each. The Ingress (cdk8s) and the web
// server's same-origin proxy are built from this one table, so a path cannot reach one service through
// the proxy and another (or none) through the Ingress; the docs' lists are checked against it
// (cdk8s/test/route-docs.test.ts).

/** The backend processes that serve API paths (everything else is the web app). */
export type Upstream = 'user' | 'chat';

export interface Route {
  /** Matches the path itself and anything below it (`/rooms` matches `/rooms/x`, not `/roomsx`): Kubernetes' `Prefix`. */
  readonly prefix: string;
  readonly upstream: Upstream;
  /** What is served there, for the docs. */
  readonly serves: string;
}

/** Every API path prefix. None is a prefix of another, so the order does not decide a match. */
export const ROUTES: readonly Route[] = [
  { prefix: '/auth', upstream: 'user', serves: 'register, login, token refresh, logout' },
  { prefix: '/users', upstream: 'user', serves: 'the current user, user search and lookup by id' },
  { prefix: '/.well-known', upstream: 'user', serves: 'the JWKS chat verifies access tokens with' },
  { prefix: '/user/graphql', upstream: 'user', serves: "the user service's GraphQL" },
  { prefix: '/rooms', upstream: 'chat', serves: 'rooms, members, message history and sends' },
  { prefix: '/socket.io', upstream: 'chat', serves: 'the Socket.IO connection (WebSocket or polling)' },
  { prefix: '/graphql', upstream: 'chat', serves: "the chat service's GraphQL and its graphql-ws subscriptions" },
  { prefix: '/chat/graphql', upstream: 'chat', serves: "the chat service's GraphQL under a name of its own, next to `/user/graphql`" },
];

/** True when `path` (no query string) is `prefix` or below it, element by element. */
export function matchesPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The route a request URL (path and optional query) falls under, or undefined for the web app's paths. */
export function routeFor(url: string): Route | undefined {
  const path = url.split('?')[0] ?? url;
  return ROUTES.find((r) => matchesPrefix(path, r.prefix));
}
