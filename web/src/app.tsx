import { createEffect, Match, on, onMount, Show, Switch } from 'solid-js';
import { loginPath, returnPath } from './lib/return-to';
import { navigate, route } from './lib/router';
import { ChatRoute } from './routes/ChatRoute';
import { LoginRoute } from './routes/LoginRoute';
import { useStore } from './store';

export function App() {
  const { session, users, live } = useStore();
  onMount(() => void session.restore());

  // The real-time link lives exactly as long as the session.
  createEffect(
    on(
      () => session.state.status,
      (status) => {
        if (status === 'signedIn') live.start();
        else if (status === 'signedOut') {
          live.stop();
          users.reset();
        }
      },
    ),
  );

  // Signed out: only the login and register pages, remembering the room the user was opening (a
  // shared link, a reload after the session ended). Signed in: never those; back to that room.
  createEffect(() => {
    const status = session.state.status;
    const r = route();
    if (status === 'signedOut' && r.name !== 'login' && r.name !== 'register') {
      navigate(loginPath('/login', r.name === 'room' ? location.pathname : null), { replace: true });
    }
    if (status === 'signedIn' && (r.name === 'login' || r.name === 'register')) {
      navigate(returnPath(location.search) ?? '/', { replace: true });
    }
  });

  return (
    <Switch>
      <Match when={session.state.status === 'restoring'}>
        <div class="splash" role="status" aria-live="polite">
          <span class="splash__logo" aria-hidden="true" />
          <Show when={session.state.notice} fallback={<span class="sr-only">Loading Converge…</span>}>
            <p class="splash__notice">{session.state.notice}</p>
          </Show>
        </div>
      </Match>
      <Match when={session.state.status === 'signedOut'}>
        <LoginRoute mode={route().name === 'register' ? 'register' : 'login'} />
      </Match>
      <Match when={session.state.status === 'signedIn'}>
        <ChatRoute />
      </Match>
    </Switch>
  );
}
