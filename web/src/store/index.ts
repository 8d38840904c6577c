// The app's store, composed once: every slice is a factory over the REST api and the chat socket, so
// the browser gets the real ones (src/index.tsx) and the unit tests a fake api and a fake socket.
// Components reach it through StoreContext (useStore), never through module singletons.
import { createContext, createRoot, useContext } from 'solid-js';
import type { Api } from '../lib/api';
import { createDrafts, type DraftStorage } from '../lib/drafts';
import type { ThemeChoice } from '../lib/theme';
import { createConnectionStore } from './connection';
import { createLiveStore, type LiveDeps } from './live';
import { createMessagesStore } from './messages';
import { createRecentEmoji } from './recent-emoji';
import { createRoomActions } from './room-actions';
import { createRoomsStore } from './rooms';
import { createSessionStore, type TokenStorage } from './session';
import { createThemeStore } from './theme';
import { createUsersStore } from './users';

export interface AppStoreDeps {
  api: Api;
  connect: LiveDeps['connect'];
  network: LiveDeps['network'];
  router: LiveDeps['router'];
  storage: TokenStorage;
  /** This browser's lasting storage (localStorage) for drafts and the theme; none: neither is kept. */
  local?: () => DraftStorage | null;
  /** Puts a theme choice on the page. */
  applyTheme?: (choice: ThemeChoice) => void;
}

export function createAppStore({ api, connect, network, router, storage, local = () => null, applyTheme = () => undefined }: AppStoreDeps) {
  // One reactive root for the store's memos, owned by the store: the app keeps it for its lifetime,
  // a test disposes of it.
  return createRoot((dispose) => {
    const session = createSessionStore({ api, storage });
    const users = createUsersStore({ api });
    const connection = createConnectionStore();
    const rooms = createRoomsStore({ api, session, users });
    const messages = createMessagesStore({ api, connection, rooms, session });
    const roomActions = createRoomActions({ api, session, rooms, messages });
    const live = createLiveStore({ api, connect, network, router, session, connection, rooms, messages });
    const drafts = createDrafts(local);
    const theme = createThemeStore({ storage: local, apply: applyTheme });
    const recentEmoji = createRecentEmoji(local, session.me);
    return { session, users, connection, rooms, messages, roomActions, live, drafts, theme, recentEmoji, dispose };
  });
}

export type AppStore = ReturnType<typeof createAppStore>;

export const StoreContext = createContext<AppStore>();

/** The store provided by <StoreContext.Provider> (src/index.tsx). */
export function useStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore: no StoreContext.Provider above this component');
  return store;
}
