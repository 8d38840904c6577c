import { createSignal, Show } from 'solid-js';
import { useStore } from '../store';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { ProfileDialog } from './ProfileDialog';

/** The signed-in user: their profile and theme (a dialog) and the sign-out button. */
export function UserMenu() {
  const { session } = useStore();
  const [open, setOpen] = createSignal(false);
  return (
    <Show when={session.state.user}>
      {(u) => (
        <div class="me">
          <Avatar id={u().id} name={u().displayName || u().username} />
          <div class="me__names">
            <span class="me__name" data-testid="me-name">
              {u().displayName || u().username}
            </span>
            <span class="me__handle">@{u().username}</span>
          </div>
          <button
            type="button"
            class="icon-btn"
            aria-label="Profile and appearance"
            title="Profile and appearance"
            aria-haspopup="dialog"
            onClick={() => setOpen(true)}
          >
            <Icon name="settings" size={18} />
          </button>
          <button type="button" class="icon-btn" aria-label="Sign out" title="Sign out" onClick={() => void session.logout()}>
            <Icon name="logout" size={18} />
          </button>
          <Show when={open()}>
            <ProfileDialog onClose={() => setOpen(false)} />
          </Show>
        </div>
      )}
    </Show>
  );
}
