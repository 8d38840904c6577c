import { Show } from 'solid-js';
import { listTimeLabel } from '../lib/format';
import { navigate, roomPath } from '../lib/router';
import { useStore } from '../store';
import type { RoomView } from '../store/rooms';
import { Avatar } from './Avatar';

/** A row of the room list: avatar (with presence for DMs), name, time, last message and unread badge. */
export function RoomListItem(props: { view: RoomView; active: boolean }) {
  const { connection, rooms, session, users } = useStore();
  const title = () => rooms.title(props.view);
  const other = () => (props.view.room.kind === 'direct' ? rooms.otherMember(props.view) : undefined);
  const online = () => {
    const o = other();
    if (o === undefined) return undefined;
    // Disconnected, we cannot know (presence events do not reach us): "unknown", not a stale "online".
    if (connection.state.status !== 'connected') return null;
    return rooms.presence[o] ?? false;
  };
  const preview = () => {
    const m = props.view.last;
    if (!m) return props.view.room.lastSeq === 0 ? 'No messages yet' : '';
    const who = m.senderId === session.me() ? 'You: ' : props.view.room.kind === 'group' ? `${users.name(m.senderId)}: ` : '';
    if (m.deletedAt || m.body === null) return `${who}Message deleted`;
    return who + m.body.replace(/\s+/g, ' ');
  };
  const isTyping = () => {
    const t = rooms.typing[props.view.room.id];
    return t ? Object.keys(t).some((id) => id !== session.me()) : false;
  };

  return (
    <li>
      <a
        class="room"
        classList={{ 'room--active': props.active, 'room--unread': props.view.unread > 0 }}
        href={roomPath(props.view.room.id)}
        aria-current={props.active ? 'page' : undefined}
        data-testid="room-item"
        data-room-id={props.view.room.id}
        onClick={(e) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          navigate(roomPath(props.view.room.id));
        }}
      >
        <Avatar id={other() ?? props.view.room.id} name={title()} online={online()} />
        {/* The dot is decoration (the avatar is hidden from screen readers): say it in words too. */}
        <Show when={online() !== undefined}>
          <span class="sr-only" data-testid="presence-text">
            {online() === null ? 'status unknown' : online() ? 'online' : 'offline'}
          </span>
        </Show>
        <span class="room__body">
          <span class="room__top">
            <span class="room__name" data-testid="room-name">
              {title()}
            </span>
            <Show when={props.view.last}>
              {(m) => (
                <time class="room__time" datetime={m().createdAt}>
                  {listTimeLabel(m().createdAt)}
                </time>
              )}
            </Show>
          </span>
          <span class="room__bottom">
            <span class="room__preview" classList={{ 'room__preview--typing': isTyping() }}>
              {isTyping() ? 'typing…' : preview()}
            </span>
            <Show when={props.view.unread > 0}>
              <span class="badge" data-testid="unread-badge" aria-label={`${props.view.unread} unread`}>
                {props.view.unread > 99 ? '99+' : props.view.unread}
              </span>
            </Show>
          </span>
        </span>
      </a>
    </li>
  );
}
