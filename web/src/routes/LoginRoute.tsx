import { createSignal, Show } from 'solid-js';
import { ApiFailure } from '../lib/api';
import { waitLabel } from '../lib/plural';
import { loginPath, returnPath } from '../lib/return-to';
import { navigate } from '../lib/router';
import { useStore } from '../store';

/** Sign in and sign up on one card; a revoked session lands here with its notice. */
export function LoginRoute(props: { mode: 'login' | 'register' }) {
  const { session } = useStore();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [displayName, setDisplayName] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const isRegister = () => props.mode === 'register';

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setError(null);
    setBusy(true);
    try {
      if (isRegister()) await session.register(username().trim(), password(), displayName().trim() || undefined);
      else await session.login(username().trim(), password());
    } catch (err) {
      if (err instanceof ApiFailure) {
        if (err.code === 'UNAUTHENTICATED') setError('Wrong username or password.');
        else if (err.code === 'CONFLICT') setError('That username is taken. Try another one.');
        else if (err.code === 'RATE_LIMITED')
          setError(`Too many attempts. Try again in ${waitLabel(err.retryAfterSeconds ?? 60)}.`);
        else if (err.code === 'NETWORK' || err.code === 'UNAVAILABLE') setError('Cannot reach Converge right now. Try again in a moment.');
        else setError(err.message);
      } else setError('Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  };

  // Switching between sign in and sign up keeps the room the user is on the way to.
  const otherPage = () => loginPath(isRegister() ? '/login' : '/register', returnPath(location.search));
  const switchMode = (e: MouseEvent) => {
    e.preventDefault();
    setError(null);
    session.clearNotice();
    navigate(otherPage());
  };

  return (
    <main class="auth">
      <div class="auth__card">
        <div class="auth__brand">
          <span class="auth__logo" aria-hidden="true" />
          <span>Converge</span>
        </div>
        <h1 class="auth__title">{isRegister() ? 'Create your account' : 'Welcome back'}</h1>
        <p class="auth__lead">{isRegister() ? 'Chat with your team in real time.' : 'Sign in to pick up where you left off.'}</p>
        <Show when={session.state.notice}>
          <p class="notice" role="status">{session.state.notice}</p>
        </Show>
        <form class="form" onSubmit={submit} novalidate={false}>
          <label class="field">
            <span class="field__label">Username</span>
            <input
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              minLength={3}
              maxLength={32}
              pattern={isRegister() ? '[A-Za-z0-9_.\\-]{3,32}' : undefined}
              title={isRegister() ? '3-32 letters, digits, _ . or -' : undefined}
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </label>
          <Show when={isRegister()}>
            <label class="field">
              <span class="field__label">
                Display name <span class="field__hint">(optional)</span>
              </span>
              <input
                name="displayName"
                autocomplete="nickname"
                maxLength={64}
                value={displayName()}
                onInput={(e) => setDisplayName(e.currentTarget.value)}
              />
            </label>
          </Show>
          <label class="field">
            <span class="field__label">Password</span>
            <input
              name="password"
              type="password"
              autocomplete={isRegister() ? 'new-password' : 'current-password'}
              required
              minLength={isRegister() ? 8 : 1}
              maxLength={128}
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <Show when={isRegister()}>
              <span class="field__hint">At least 8 characters.</span>
            </Show>
          </label>
          <Show when={error()}>
            <p class="form__error" role="alert">{error()}</p>
          </Show>
          <button class="btn btn--primary btn--block" type="submit" disabled={busy()}>
            {busy() ? 'Please wait…' : isRegister() ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p class="auth__switch">
          {isRegister() ? 'Already have an account? ' : 'New to Converge? '}
          <a href={otherPage()} onClick={switchMode}>
            {isRegister() ? 'Sign in' : 'Create an account'}
          </a>
        </p>
      </div>
    </main>
  );
}
