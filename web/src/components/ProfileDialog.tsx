import { createSignal, Show } from 'solid-js';
import { useStore } from '../store';
import { Dialog } from './Dialog';
import { ThemeSwitch } from './ThemeSwitch';

/** The user's own settings: display name (PATCH /users/me) and the theme of this browser. */
export function ProfileDialog(props: { onClose: () => void }) {
  const { session, users } = useStore();
  const [name, setName] = createSignal(session.state.user?.displayName ?? '');
  const [error, setError] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const unchanged = () => name().trim() === (session.state.user?.displayName ?? '');

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const value = name().trim();
    if (busy() || !value || unchanged()) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      users.remember([await session.updateDisplayName(value)]);
      setSaved(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not save your name');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Profile and appearance" onClose={props.onClose}>
      <form class="form form--inline" onSubmit={save}>
        <label class="field">
          <span class="field__label">Display name</span>
          <input
            name="displayName"
            autocomplete="nickname"
            required
            maxLength={64}
            value={name()}
            onInput={(e) => {
              setName(e.currentTarget.value);
              setSaved(false);
            }}
          />
        </label>
        <button type="submit" class="btn btn--primary" disabled={busy() || !name().trim() || unchanged()}>
          Save
        </button>
      </form>
      <Show when={error()}>
        <p class="form__error" role="alert">{error()}</p>
      </Show>
      <p class="form__ok" role="status">
        {saved() ? 'Saved. Others see your new name when they next open a conversation with you.' : ''}
      </p>
      <ThemeSwitch />
    </Dialog>
  );
}
