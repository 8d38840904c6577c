// A room link opened while signed out survives the sign-in: the login page's address carries it as
// `?next=/c/<id>`, and after sign-in the app goes there. Only the app's own room paths are accepted,
// so the parameter can never send anyone to another site (an open redirect).
const ROOM_PATH = /^\/c\/[0-9a-f-]{36}$/i;

/** The path to come back to after sign-in, from a login page's query string; null when none is valid. */
export function returnPath(search: string): string | null {
  const next = new URLSearchParams(search).get('next');
  return next && ROOM_PATH.test(next) ? next.toLowerCase() : null;
}

/** The login (or register) page's address that remembers `path`, when it is worth remembering. */
export function loginPath(page: '/login' | '/register', path: string | null): string {
  return path && ROOM_PATH.test(path) ? `${page}?next=${encodeURIComponent(path)}` : page;
}
