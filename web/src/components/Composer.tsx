import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { useStore } from '../store';
import { Icon } from './Icon';

const MAX_CHARS = 4000;

function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The message box: Enter sends, Shift+Enter starts a new line; grows with its text. */
export function Composer(props: { roomId: string }) {
  const { drafts, live, messages, session } = useStore();
  let input!: HTMLTextAreaElement;
  // Unsent text survives switching rooms and reloading the page (lib/drafts.ts).
  const [text, setText] = createSignal(drafts.get(session.me(), props.roomId));
  let idle: ReturnType<typeof setTimeout> | undefined;
  const count = () => charCount(text().trim());
  const tooLong = () => count() > MAX_CHARS;

  const grow = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 180)}px`;
  };

  const update = (value: string) => {
    setText(value);
    drafts.set(session.me(), props.roomId, value);
    grow();
    clearTimeout(idle);
    if (value.trim()) {
      live.sendTyping(props.roomId, true);
      idle = setTimeout(() => live.sendTyping(props.roomId, false), 3000);
    } else live.sendTyping(props.roomId, false);
  };

  const submit = () => {
    const body = text();
    if (!body.trim() || tooLong()) return;
    messages.send(props.roomId, body);
    update('');
    clearTimeout(idle);
    live.sendTyping(props.roomId, false);
    input.focus();
  };

  onMount(() => {
    grow();
    // Typing on a desktop goes straight to the box; on a phone the keyboard waits for a tap.
    if (window.matchMedia('(min-width: 768px)').matches) input.focus();
  });
  onCleanup(() => {
    clearTimeout(idle);
    live.sendTyping(props.roomId, false);
  });

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label class="sr-only" for="composer-input">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={input}
        class="composer__input"
        rows={1}
        placeholder="Write a message…"
        value={text()}
        aria-describedby={tooLong() ? 'composer-count' : undefined}
        onInput={(e) => update(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        onBlur={() => live.sendTyping(props.roomId, false)}
      />
      <Show when={count() > MAX_CHARS - 200}>
        <span id="composer-count" class="composer__count" classList={{ 'composer__count--over': tooLong() }}>
          {count()}/{MAX_CHARS}
        </span>
      </Show>
      <button type="submit" class="composer__send" aria-label="Send message" disabled={!text().trim() || tooLong()}>
        <Icon name="send" size={20} />
      </button>
    </form>
  );
}
