import { render } from 'solid-js/web';
import { App } from './app';
import { api, useTokenSource } from './lib/api';
import { loadMarkdown } from './lib/markdown-loader';
import { navigate, route } from './lib/router';
import { createChatSocket } from './lib/socket';
import { createAppStore, StoreContext } from './store';
import './styles.css';

// The one place the store meets the browser: the real api and socket, sessionStorage, the network.
const store = createAppStore({
  api,
  connect: createChatSocket,
  network: {
    online: () => navigator.onLine !== false,
    on(event, listener) {
      window.addEventListener(event, listener);
      return () => window.removeEventListener(event, listener);
    },
  },
  router: { route, navigate },
  // Read lazily: touching a disabled sessionStorage throws, which the session store tolerates.
  storage: {
    getItem: (key) => sessionStorage.getItem(key),
    setItem: (key, value) => sessionStorage.setItem(key, value),
    removeItem: (key) => sessionStorage.removeItem(key),
  },
  // Drafts and the theme outlive the tab (unlike the session): localStorage, read lazily (it throws
  // when disabled, which both tolerate).
  local: () => localStorage,
  applyTheme: (choice) => {
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
  },
});
// Every REST call carries the session's access token and refreshes it once on a 401.
useTokenSource({ accessToken: store.session.accessToken, refresh: store.session.refresh });
// The formatter's chunk, fetched alongside the first screen rather than when the first message shows.
loadMarkdown();

render(
  () => (
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  ),
  document.getElementById('root')!,
);
