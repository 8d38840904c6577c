import type { User } from '@converge/protocol';
import { createSignal, For, Show } from 'solid-js';
import { navigate, roomPath } from '../lib/router';
import { useStore } from '../store';
import { Avatar } from './Avatar';
import { Dialog } from './Dialog';
import { Icon } from './Icon';
import { UserPicker } from './UserPicker';

/** Start a direct message (pick one person) or create a group (a name and members). */
export function NewChatDialog(props: { onClose: () => void }) {
  const { roomActions } = useStore();
  const [mode, setMode] = createSignal<'direct' | 'group'>('direct');
  const [name, setName] = createSignal('');
  const [members, setMembers] = createSignal<User[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const done = (roomId: string) => {
    props.onClose();
    navigate(roomPath(roomId));
  };

  const startDirect = async (u: User) => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      const room = await roomActions.createDirect(u.id);
      done(room.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not start the conversation');
      setBusy(false);
    }
  };

  const toggle = (u: User) =>
    setMembers((list) => (list.some((x) => x.id === u.id) ? list.filter((x) => x.id !== u.id) : [...list, u]));

  const createGroup = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy() || !name().trim()) return;
    setBusy(true);
    setError(null);
    try {
      const room = await roomActions.createGroup(name().trim(), members().map((u) => u.id));
      done(room.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not create the group');
      setBusy(false);
    }
  };

  return (
    <Dialog title="New conversation" onClose={props.onClose}>
      <div class="tabs" role="tablist" aria-label="Kind of conversation">
        <button
          type="button"
          role="tab"
          class="tabs__tab"
          aria-selected={mode() === 'direct'}
          onClick={() => setMode('direct')}
        >
          Direct message
        </button>
        <button
          type="button"
          role="tab"
          class="tabs__tab"
          aria-selected={mode() === 'group'}
          onClick={() => setMode('group')}
        >
          Group
        </button>
      </div>
      <Show when={error()}>
        <p class="form__error" role="alert">{error()}</p>
      </Show>
      <Show
        when={mode() === 'group'}
        fallback={<UserPicker label="Who do you want to message?" onPick={(u) => void startDirect(u)} autofocus />}
      >
        <form class="form" onSubmit={createGroup}>
          <label class="field">
            <span class="field__label">Group name</span>
            <input
              name="groupName"
              required
              maxLength={100}
              placeholder="e.g. Design team"
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <Show when={members().length > 0}>
            <ul class="chips" aria-label="Selected members">
              <For each={members()}>
                {(u) => (
                  <li class="chip">
                    <Avatar id={u.id} name={u.displayName || u.username} size="sm" />
                    <span>{u.displayName || u.username}</span>
                    <button type="button" class="chip__remove" aria-label={`Remove ${u.displayName || u.username}`} onClick={() => toggle(u)}>
                      <Icon name="close" size={14} />
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <UserPicker label="Add members" onPick={toggle} selected={members().map((u) => u.id)} />
          <div class="dialog__footer">
            <button type="button" class="btn btn--ghost" onClick={() => props.onClose()}>
              Cancel
            </button>
            <button type="submit" class="btn btn--primary" disabled={busy() || !name().trim()}>
              {members().length ? `Create group (${members().length + 1})` : 'Create group'}
            </button>
          </div>
        </form>
      </Show>
    </Dialog>
  );
}
