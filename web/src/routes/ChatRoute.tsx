import { createEffect, onCleanup, Show } from 'solid-js';
import { ChatView } from '../components/ChatView';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { EmptyState } from '../components/EmptyState';
import { RoomList } from '../components/RoomList';
import { route } from '../lib/router';
import { useStore } from '../store';

/** The signed-in screen: the room list beside the open conversation (one at a time below 768 px). */
export function ChatRoute() {
  const { rooms } = useStore();
  const roomId = () => {
    const r = route();
    return r.name === 'room' ? r.roomId : null;
  };
  // Unread messages in the tab title, so a background tab shows there is something new.
  createEffect(() => {
    const total = rooms.sorted().reduce((n, rv) => n + rv.unread, 0);
    document.title = total > 0 ? `(${total}) Converge` : 'Converge';
  });
  onCleanup(() => (document.title = 'Converge'));
  return (
    <div class="shell" classList={{ 'shell--room': roomId() !== null }}>
      {/* The page's one h1 (for screen readers' heading navigation); the conversation's title is an h2. */}
      <h1 class="sr-only">Converge</h1>
      <ConnectionBanner />
      <div class="shell__panes">
        <aside class="sidebar" aria-label="Conversations">
          <RoomList activeId={roomId()} />
        </aside>
        <main class="main">
          <Show when={roomId()} keyed fallback={<EmptyState />}>
            {(id) => <ChatView roomId={id} />}
          </Show>
        </main>
      </div>
    </div>
  );
}
