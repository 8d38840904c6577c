import { createSignal, onMount } from 'solid-js';

/** In-place editing of one's own message: Enter saves, Shift+Enter breaks the line, Escape cancels. */
export function EditBox(props: { initial: string; onSave: (body: string) => Promise<void>; onCancel: () => void }) {
  let input!: HTMLTextAreaElement;
  const [busy, setBusy] = createSignal(false);
  onMount(() => {
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  });
  const save = async () => {
    const body = input.value;
    if (!body.trim() || busy()) return;
    if (body === props.initial) return props.onCancel();
    setBusy(true);
    await props.onSave(body);
    setBusy(false);
  };
  return (
    <div class="edit" onClick={(e) => e.stopPropagation()}>
      <textarea
        aria-label="New text of the message"
        ref={input}
        class="edit__input"
        rows={2}
        maxLength={16000}
        value={props.initial}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            props.onCancel();
          }
        }}
      />
      <div class="edit__buttons">
        <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="button" class="btn btn--primary btn--sm" disabled={busy()} onClick={() => void save()}>
          Save
        </button>
      </div>
    </div>
  );
}
