import { type JSX, onCleanup, onMount } from 'solid-js';
import { Icon } from './Icon';

/** A modal on the native <dialog>: focus moves in and is trapped, Escape closes, focus returns after. */
export function Dialog(props: { title: string; onClose: () => void; children: JSX.Element; wide?: boolean }) {
  let el!: HTMLDialogElement;
  const opener = document.activeElement as HTMLElement | null;
  onMount(() => el.showModal());
  onCleanup(() => opener?.focus?.());
  return (
    <dialog
      ref={el}
      class="dialog"
      classList={{ 'dialog--wide': props.wide }}
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === el) props.onClose();
      }}
    >
      <div class="dialog__content">
        <header class="dialog__header">
          <h2 id="dialog-title">{props.title}</h2>
          <button type="button" class="icon-btn" aria-label="Close" onClick={() => props.onClose()}>
            <Icon name="close" />
          </button>
        </header>
        {props.children}
      </div>
    </dialog>
  );
}
