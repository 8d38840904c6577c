import { createMemo, Show } from 'solid-js';
import { useStore } from '../store';

/** Read receipts under the user's latest message: who has read up to it. */
export function SeenBy(props: { roomId: string; seq: number }) {
  const { rooms, session, users } = useStore();
  const readers = createMemo(() => {
    const marks = rooms.receipts[props.roomId] ?? {};
    const me = session.me();
    return Object.entries(marks)
      .filter(([id, seq]) => id !== me && seq >= props.seq)
      .map(([id]) => users.name(id));
  });
  const isDirect = () => rooms.get(props.roomId)?.room.kind === 'direct';
  const text = () => {
    const r = readers();
    if (isDirect()) return 'Seen';
    if (r.length <= 3) return `Seen by ${r.join(', ')}`;
    return `Seen by ${r.slice(0, 3).join(', ')} and ${r.length - 3} more`;
  };
  return (
    <Show when={readers().length > 0}>
      <div class="seen" data-testid="seen-by">
        {text()}
      </div>
    </Show>
  );
}
