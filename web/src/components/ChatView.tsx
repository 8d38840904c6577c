import { createSignal, onMount, Show } from 'solid-js';
import { count } from '../lib/plural';
import { navigate } from '../lib/router';
import { useStore } from '../store';
import { Avatar } from './Avatar';
import { Composer } from './Composer';
import { Icon } from './Icon';
import { MessageList } from './MessageList';
import { RoomSettingsDialog } from './RoomSettingsDialog';
import { TypingIndicator } from './TypingIndicator';

/** One open conversation: header, messages, typing line and the composer. */
export function ChatView(props: { roomId: string }) {
  const { connection, rooms, users } = useStore();
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const rv = () => rooms.get(props.roomId);
  // Names may have changed since they were cached (there is no event for it): look again on open.
  onMount(() => users.refresh(rv()?.room.members.map((m) => m.userId) ?? []));
  const other = () => {
    const v = rv();
    return v && v.room.kind === 'direct' ? rooms.otherMember(v) : undefined;
  };
  const subtitle = () => {
    const v = rv();
    if (!v) return '';
    if (v.room.kind === 'group') return count(v.room.members.length, 'member', 'members');
    const o = other();
    // While we are disconnected nobody's presence reaches us: what we last knew may be stale.
    if (o && connection.state.status !== 'connected') return 'Status unknown while you are offline';
    if (!o || rooms.presence[o] === undefined) return 'Direct message';
    return rooms.presence[o] ? 'Online' : 'Offline';
  };

  return (
    <Show
      when={rv()}
      fallback={
        <div class="empty">
          <Show when={rooms.state.loaded} fallback={<span class="spinner" role="status" aria-label="Loading" />}>
            <h2>Conversation not found</h2>
            <p>You may have left it, or it was never yours to see.</p>
            <button type="button" class="btn btn--primary" onClick={() => navigate('/')}>
              Back to conversations
            </button>
          </Show>
        </div>
      }
    >
      {(view) => (
        <section class="chat" aria-label={`Conversation: ${rooms.title(view())}`}>
          <header class="chat__header">
            <button type="button" class="icon-btn chat__back" aria-label="Back to conversations" onClick={() => navigate('/')}>
              <Icon name="back" />
            </button>
            <Avatar
              id={other() ?? props.roomId}
              name={rooms.title(view())}
              online={other() === undefined ? undefined : connection.state.status !== 'connected' ? null : rooms.presence[other()!]}
            />
            <div class="chat__titles">
              <h2 class="chat__title" data-testid="chat-title">
                {rooms.title(view())}
              </h2>
              <p class="chat__subtitle">{subtitle()}</p>
            </div>
            <button
              type="button"
              class="icon-btn"
              aria-label="Conversation settings"
              aria-haspopup="dialog"
              onClick={() => setSettingsOpen(true)}
            >
              <Icon name="settings" />
            </button>
          </header>
          <MessageList roomId={props.roomId} />
          <TypingIndicator roomId={props.roomId} />
          <Composer roomId={props.roomId} />
          <Show when={settingsOpen()}>
            <RoomSettingsDialog roomId={props.roomId} onClose={() => setSettingsOpen(false)} />
          </Show>
        </section>
      )}
    </Show>
  );
}
