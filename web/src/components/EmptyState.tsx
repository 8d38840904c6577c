/** The main pane when no conversation is open (desktop). */
export function EmptyState() {
  return (
    <div class="empty">
      <span class="empty__art" aria-hidden="true" />
      <h2>Pick a conversation</h2>
      <p>Choose a room on the left, or start a new chat with the + button.</p>
    </div>
  );
}
