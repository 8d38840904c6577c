// A tiny history-API router: four screens do not need a routing library (and its bytes).
import { createSignal } from 'solid-js';

export type Route =
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'home' }
  | { name: 'room'; roomId: string };

// Paths: /login, /register, / (the room list), /c/<roomId> (a conversation).

function parse(pathAndQuery: string): Route {
  const path = pathAndQuery.split('?')[0] ?? '';
  if (path === '/login') return { name: 'login' };
  if (path === '/register') return { name: 'register' };
  const m = /^\/c\/([0-9a-f-]{36})\/?$/i.exec(path);
  if (m?.[1]) return { name: 'room', roomId: m[1].toLowerCase() };
  return { name: 'home' };
}

const [route, setRoute] = createSignal<Route>(parse(location.pathname));
window.addEventListener('popstate', () => setRoute(parse(location.pathname)));

export { route };

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (location.pathname + location.search !== path) {
    if (opts.replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  setRoute(parse(path));
}

export function roomPath(roomId: string): string {
  // Not /rooms/<id>: that path is the chat API's, proxied on this origin.
  return `/c/${roomId}`;
}
