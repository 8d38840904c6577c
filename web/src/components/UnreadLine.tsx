/** "New messages": where the reader's unread messages began when they opened the room. */
export function UnreadLine(props: { ref: (el: HTMLElement) => void }) {
  return (
    <div class="unread-line" role="separator" aria-label="New messages" data-testid="unread-separator" ref={props.ref}>
      <span>New messages</span>
    </div>
  );
}
