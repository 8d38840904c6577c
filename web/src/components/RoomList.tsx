import { createMemo, createSignal, For, Show } from 'solid-js';
import { useStore } from '../store';
import { Icon } from './Icon';
import { NewChatDialog } from './NewChatDialog';
import { RoomListItem } from './RoomListItem';
import { UserMenu } from './UserMenu';

/** The sidebar: the user, a filter, and every room by latest activity. Arrow keys move between rooms. */
export function RoomList(props: { activeId: string | null }) {
  const { rooms } = useStore();
  const [filter, setFilter] = createSignal('');
  const [creating, setCreating] = createSignal(false);
  let listEl!: HTMLUListElement;

  const visible = createMemo(() => {
    const q = filter().trim().toLowerCase();
    const all = rooms.sorted();
    return q ? all.filter((rv) => rooms.title(rv).toLowerCase().includes(q)) : all;
  });

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const links = Array.from(listEl.querySelectorAll<HTMLAnchorElement>('a.room'));
    if (!links.length) return;
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    let next = i;
    if (e.key === 'ArrowDown') next = i < 0 ? 0 : Math.min(links.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = i < 0 ? 0 : Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else next = links.length - 1;
    e.preventDefault();
    links[next]?.focus();
  };

  return (
    <div class="rooms">
      <header class="rooms__header">
        <UserMenu />
        <button
          type="button"
          class="icon-btn icon-btn--primary"
          aria-label="New conversation"
          title="New conversation"
          aria-haspopup="dialog"
          onClick={() => setCreating(true)}
        >
          <Icon name="plus" />
        </button>
      </header>
      <div class="rooms__search">
        <Icon name="search" size={16} />
        <label class="sr-only" for="room-filter">
          Filter conversations
        </label>
        <input
          id="room-filter"
          type="search"
          placeholder="Search conversations"
          autocomplete="off"
          value={filter()}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
      </div>
      <nav class="rooms__nav" aria-label="Rooms">
        <Show when={rooms.state.loaded} fallback={<div class="rooms__loading"><span class="spinner" role="status" aria-label="Loading conversations" /></div>}>
          <Show
            when={visible().length > 0}
            fallback={
              <div class="rooms__empty">
                <Show when={filter()} fallback={<p>No conversations yet.</p>}>
                  <p>No conversation matches “{filter()}”.</p>
                </Show>
                <Show when={!filter()}>
                  <button type="button" class="btn btn--primary" onClick={() => setCreating(true)}>
                    Start a conversation
                  </button>
                </Show>
              </div>
            }
          >
            <ul class="rooms__list" ref={listEl} onKeyDown={onKeyDown} data-testid="room-list">
              <For each={visible()}>{(rv) => <RoomListItem view={rv} active={rv.room.id === props.activeId} />}</For>
            </ul>
          </Show>
        </Show>
        <Show when={rooms.state.error && !rooms.state.loaded}>
          <p class="form__error" role="alert">
            Could not load your conversations.{' '}
            <button type="button" class="btn btn--ghost btn--sm" onClick={() => void rooms.reload()}>
              Try again
            </button>
          </p>
        </Show>
      </nav>
      <Show when={creating()}>
        <NewChatDialog onClose={() => setCreating(false)} />
      </Show>
    </div>
  );
}
