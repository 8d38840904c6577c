import { createSignal, For, Show } from 'solid-js';
import { navigate } from '../lib/router';
import { useStore } from '../store';
import { Avatar } from './Avatar';
import { Dialog } from './Dialog';
import { UserPicker } from './UserPicker';

/** Members and, for admins, renaming and adding or removing people; everyone can leave. */
export function RoomSettingsDialog(props: { roomId: string; onClose: () => void }) {
  const { rooms, roomActions, session, users } = useStore();
  const rv = () => rooms.get(props.roomId);
  const admin = () => {
    const v = rv();
    return v ? rooms.isAdmin(v) && v.room.kind === 'group' : false;
  };
  const [name, setName] = createSignal(rv()?.room.name ?? '');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const run = async (what: () => Promise<void>) => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'That did not work');
    } finally {
      setBusy(false);
    }
  };

  const rename = (e: SubmitEvent) => {
    e.preventDefault();
    void run(() => roomActions.rename(props.roomId, name().trim()));
  };

  const leave = () => {
    if (!confirm('Leave this conversation? You will stop receiving its messages.')) return;
    void run(async () => {
      await roomActions.leave(props.roomId);
      props.onClose();
      navigate('/', { replace: true });
    });
  };

  return (
    <Dialog title={rv()?.room.kind === 'group' ? 'Group settings' : 'Conversation'} onClose={props.onClose} wide>
      <Show when={error()}>
        <p class="form__error" role="alert">{error()}</p>
      </Show>
      <Show when={admin()}>
        <form class="form form--inline" onSubmit={rename}>
          <label class="field">
            <span class="field__label">Group name</span>
            <input name="roomName" required maxLength={100} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit" class="btn btn--primary" disabled={busy() || !name().trim() || name().trim() === rv()?.room.name}>
            Rename
          </button>
        </form>
      </Show>
      <h3 class="section-title">Members ({rv()?.room.members.length ?? 0})</h3>
      <ul class="members">
        <For each={rv()?.room.members ?? []}>
          {(m) => (
            <li class="member" data-testid="member" data-user-id={m.userId}>
              <Avatar id={m.userId} name={users.name(m.userId)} size="sm" online={rooms.presence[m.userId]} />
              <span class="member__name">
                {users.name(m.userId)}
                {m.userId === session.me() ? ' (you)' : ''}
              </span>
              <Show when={m.role === 'admin'}>
                <span class="tag">admin</span>
              </Show>
              <Show when={admin() && m.userId !== session.me()}>
                <button
                  type="button"
                  class="btn btn--ghost btn--sm"
                  aria-label={`Remove ${users.name(m.userId)}`}
                  disabled={busy()}
                  onClick={() =>
                    void run(() => roomActions.removeMember(props.roomId, m.userId))
                  }
                >
                  Remove
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={admin()}>
        <UserPicker
          label="Add people"
          exclude={rv()?.room.members.map((m) => m.userId) ?? []}
          onPick={(u) =>
            void run(() => roomActions.addMember(props.roomId, u.id))
          }
        />
      </Show>
      <div class="dialog__footer">
        <button type="button" class="btn btn--danger" onClick={leave} disabled={busy()}>
          {rv()?.room.kind === 'group' ? 'Leave group' : 'Leave conversation'}
        </button>
      </div>
    </Dialog>
  );
}
