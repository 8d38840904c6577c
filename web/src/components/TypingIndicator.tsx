import { createMemo, Show } from 'solid-js';
import { useStore } from '../store';

export function TypingIndicator(props: { roomId: string }) {
  const { rooms, session, users } = useStore();
  const names = createMemo(() => {
    const who = rooms.typing[props.roomId] ?? {};
    const me = session.me();
    return Object.keys(who)
      .filter((id) => id !== me)
      .map((id) => users.name(id));
  });
  const text = () => {
    const n = names();
    if (n.length === 0) return '';
    if (n.length === 1) return `${n[0]} is typing`;
    if (n.length === 2) return `${n[0]} and ${n[1]} are typing`;
    return 'Several people are typing';
  };
  return (
    <div class="typing" aria-live="polite">
      <Show when={text()}>
        <span class="typing__dots" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
        <span>{text()}…</span>
      </Show>
    </div>
  );
}
