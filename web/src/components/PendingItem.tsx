import { Show } from 'solid-js';
import { timeLabel } from '../lib/format';
import { useStore } from '../store';
import type { PendingMessage } from '../store/messages';
import { Icon } from './Icon';
import { MessageText } from './MessageText';

/** An optimistic bubble: "Sending…" until the ack, or "Not sent" with a retry that reuses its clientMsgId. */
export function PendingItem(props: { pending: PendingMessage }) {
  const { messages } = useStore();
  const failed = () => props.pending.state === 'failed';
  return (
    <div
      class="msg msg--own msg--pending"
      classList={{ 'msg--failed': failed() }}
      data-testid="pending-message"
      data-client-msg-id={props.pending.clientMsgId}
      data-state={props.pending.state}
    >
      <div class="msg__bubble">
        <div class="msg__text" data-testid="message-text">
          <MessageText text={props.pending.body} />
        </div>
        <div class="msg__meta">
          <Show when={failed()} fallback={<span class="msg__status">Sending…</span>}>
            <span class="msg__status msg__status--failed">{props.pending.error ?? 'Not sent'}</span>
          </Show>
          <time datetime={props.pending.createdAt}>{timeLabel(props.pending.createdAt)}</time>
        </div>
      </div>
      <Show when={failed()}>
        <div class="msg__actions msg__actions--visible">
          <button
            type="button"
            class="icon-btn icon-btn--sm"
            aria-label="Retry sending"
            title="Retry"
            onClick={() => void messages.attempt(props.pending.roomId, props.pending.clientMsgId)}
          >
            <Icon name="retry" size={16} />
          </button>
          <button
            type="button"
            class="icon-btn icon-btn--sm"
            aria-label="Discard message"
            title="Discard"
            onClick={() => messages.discard(props.pending.roomId, props.pending.clientMsgId)}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      </Show>
    </div>
  );
}
