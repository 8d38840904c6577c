// The reactions under a message: a chip per emoji with its count (pressed when the user is among the
// reactors; a click toggles it), its title naming who reacted, and an "add reaction" button opening the
// quick picker. Failures show as a line under the bar, never an exception.
import type { Message, Reaction } from '@converge/protocol';
import { createSignal, For, Show } from 'solid-js';
import { useStore } from '../store';
import { EmojiPicker } from './EmojiPicker';

/** "alice, bob and 3 others" for the chip's title: the listed reactors by name, the rest counted. */
export function reactorsLabel(r: Reaction, name: (id: string) => string): string {
  const names = r.userIds.map(name);
  const others = r.count - names.length;
  const who = others > 0 ? [...names, `${others} other${others === 1 ? '' : 's'}`] : names;
  const list = who.length > 1 ? `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}` : (who[0] ?? '');
  return `${list} reacted with ${r.emoji}`;
}

export function ReactionBar(props: { roomId: string; message: Message }) {
  const { messages, users, session, recentEmoji } = useStore();
  const [picking, setPicking] = createSignal(false);
  let addButton!: HTMLButtonElement;
  const [error, setError] = createSignal<string | null>(null);
  const mine = (r: Reaction) => r.userIds.includes(session.me() ?? '');

  const toggle = async (emoji: string, on: boolean) => {
    setError(null);
    if (on) recentEmoji.remember(emoji);
    try {
      await messages.react(props.roomId, props.message.seq, emoji, on);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not react');
    }
  };

  return (
    <div class="reactions" data-testid="reactions">
      <For each={props.message.reactions}>
        {(r) => (
          <button
            type="button"
            class="reaction"
            classList={{ 'reaction--mine': mine(r) }}
            data-testid="reaction"
            data-emoji={r.emoji}
            aria-pressed={mine(r)}
            aria-label={`${r.emoji} ${r.count}: ${reactorsLabel(r, users.name)}`}
            title={reactorsLabel(r, users.name)}
            onClick={() => void toggle(r.emoji, !mine(r))}
          >
            <span class="reaction__emoji" aria-hidden="true">{r.emoji}</span>
            <span class="reaction__count" aria-hidden="true">{r.count}</span>
          </button>
        )}
      </For>
      <button
        type="button"
        class="reaction reaction--add"
        aria-label="Add reaction"
        title="Add reaction"
        aria-expanded={picking()}
        ref={addButton}
        data-testid="reaction-add"
        onClick={() => setPicking(!picking())}
      >
        <span aria-hidden="true">☺+</span>
      </button>
      <Show when={picking()}>
        <EmojiPicker
          quick={recentEmoji.quick()}
          onPick={(emoji) => {
            setPicking(false);
            const held = props.message.reactions.find((r) => r.emoji === emoji);
            void toggle(emoji, !(held && mine(held)));
          }}
          onClose={() => {
            setPicking(false);
            addButton.focus();
          }}
        />
      </Show>
      <Show when={error()}>
        <p class="msg__error" role="alert">{error()}</p>
      </Show>
    </div>
  );
}
