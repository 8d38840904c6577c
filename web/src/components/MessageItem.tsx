import type { Message } from '@converge/protocol';
import { createSignal, Show } from 'solid-js';
import { fullLabel, timeLabel } from '../lib/format';
import { useStore } from '../store';
import { Avatar } from './Avatar';
import { EditBox } from './EditBox';
import { Icon } from './Icon';
import { MessageText } from './MessageText';
import { ReactionBar } from './ReactionBar';
import { isSystem, systemText } from '../store/revs';

export interface MessageItemProps {
  roomId: string;
  message: Message;
  own: boolean;
  /** First of a run from the same sender: shows the name and avatar. */
  showHeader: boolean;
  canDelete: boolean;
}

/** One confirmed message; its author can edit it in place, its author or an admin can delete it. */
export function MessageItem(props: MessageItemProps) {
  const { messages, users } = useStore();
  const [editing, setEditing] = createSignal(false);
  const [selected, setSelected] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const deleted = () => props.message.deletedAt !== null || props.message.body === null;
  const name = () => users.name(props.message.senderId);

  const remove = async () => {
    if (!confirm('Delete this message for everyone?')) return;
    try {
      await messages.remove(props.roomId, props.message.seq);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not delete');
    }
  };

  return (
    <Show when={!isSystem(props.message)} fallback={<SystemLine message={props.message} />}>
    <div
      class="msg"
      classList={{ 'msg--own': props.own, 'msg--first': props.showHeader, 'msg--selected': selected() }}
      data-testid="message"
      data-seq={props.message.seq}
      data-sender={props.message.senderId}
    >
      <Show when={!props.own}>
        <div class="msg__avatar">
          <Show when={props.showHeader}>
            <Avatar id={props.message.senderId} name={name()} size="sm" />
          </Show>
        </div>
      </Show>
      <div class="msg__main">
      <div class="msg__bubble" classList={{ 'msg__bubble--deleted': deleted() }} onClick={() => setSelected(!selected())}>
        <Show when={!props.own && props.showHeader}>
          <div class="msg__sender">{name()}</div>
        </Show>
        <Show
          when={!deleted()}
          fallback={
            <p class="msg__text msg__text--deleted" data-testid="message-deleted">
              Message deleted
            </p>
          }
        >
          <Show
            when={editing()}
            fallback={
              <div class="msg__text" data-testid="message-text">
                <MessageText text={props.message.body ?? ''} />
              </div>
            }
          >
            <EditBox
              initial={props.message.body ?? ''}
              onCancel={() => setEditing(false)}
              onSave={async (body) => {
                try {
                  await messages.edit(props.roomId, props.message.seq, body);
                  setEditing(false);
                  setError(null);
                } catch (e) {
                  setError(e instanceof Error ? e.message : 'Could not save');
                }
              }}
            />
          </Show>
        </Show>
        <div class="msg__meta">
          <Show when={props.message.editedAt && !deleted()}>
            <span class="msg__edited" title={props.message.editedAt ? `Edited ${fullLabel(props.message.editedAt)}` : undefined}>
              edited
            </span>
          </Show>
          <time datetime={props.message.createdAt} title={fullLabel(props.message.createdAt)}>
            {timeLabel(props.message.createdAt)}
          </time>
        </div>
        <Show when={error()}>
          <p class="msg__error" role="alert">{error()}</p>
        </Show>
      </div>
      <Show when={!deleted()}>
        <ReactionBar roomId={props.roomId} message={props.message} />
      </Show>
      </div>
      <Show when={!deleted() && !editing() && (props.own || props.canDelete)}>
        <div class="msg__actions">
          <Show when={props.own}>
            <button type="button" class="icon-btn icon-btn--sm" aria-label="Edit message" title="Edit" onClick={() => setEditing(true)}>
              <Icon name="edit" size={16} />
            </button>
          </Show>
          <button type="button" class="icon-btn icon-btn--sm" aria-label="Delete message" title="Delete" onClick={() => void remove()}>
            <Icon name="trash" size={16} />
          </button>
        </div>
      </Show>
    </div>
    </Show>
  );
}

/** A line about the room itself (a join, a rename): centred and muted, with no reactions or actions. */
function SystemLine(props: { message: Message }) {
  const { users } = useStore();
  return (
    <p class="msg-system" data-testid="message-system" data-seq={props.message.seq}>
      {systemText(props.message, users.name)}
    </p>
  );
}
