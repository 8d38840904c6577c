import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { dayKey } from '../lib/format';
import { count } from '../lib/plural';
import { firstUnreadSeq } from '../lib/unread';
import { useStore } from '../store';
import { DaySeparator } from './DaySeparator';
import { Icon } from './Icon';
import { MessageItem } from './MessageItem';
import { PendingItem } from './PendingItem';
import { SeenBy } from './SeenBy';
import { UnreadLine } from './UnreadLine';

/** Within this many pixels of the end the list counts as "at the bottom" and follows new messages. */
const STICK_PX = 48;
/** Start loading the previous page this close to the top, so scrolling back rarely waits. */
const PREFETCH_PX = 600;
/** Consecutive messages from one sender within this gap share a header. */
const GROUP_MS = 5 * 60_000;
/** Pages the jump to the first unread may load before it gives up (50 each). */
const JUMP_MAX_PAGES = 40;

/**
 * The conversation: history upward on demand (keeping the reader's place), sticking to the bottom
 * for new messages unless the reader scrolled up ("N new messages"), and read markers sent while
 * the end is in view.
 */
export function MessageList(props: { roomId: string }) {
  const { live, messages, rooms, session } = useStore();
  let scroller!: HTMLDivElement;
  let content!: HTMLDivElement;
  const [atBottom, setAtBottom] = createSignal(true);
  const [newCount, setNewCount] = createSignal(0);
  const [visible, setVisible] = createSignal(document.visibilityState === 'visible');
  const thread = () => messages.thread(props.roomId);
  const list = () => thread()?.messages ?? [];
  const pending = () => thread()?.pending ?? [];
  const me = () => session.me();
  const rv = () => rooms.get(props.roomId);
  const isAdmin = () => {
    const v = rv();
    return v ? rooms.isAdmin(v) : false;
  };
  // The reader's marker as it was when the room was opened: the "New messages" line stays where it
  // was put, even though reading moves the marker at once.
  const openedUnread = rv()?.unread ?? 0;
  const openedReadSeq = rv()?.room.readSeq ?? 0;
  const [unreadSeen, setUnreadSeen] = createSignal(false);
  /** The first unread message's seq, once it is loaded (an older one may still be a page away). */
  const unreadSeq = createMemo(() => {
    if (openedUnread === 0) return null;
    const l = list();
    const t = thread();
    if (!t?.loaded || (t.hasMore && (l[0]?.seq ?? 0) > openedReadSeq + 1)) return null;
    return firstUnreadSeq(l, openedReadSeq, me());
  });
  let unreadEl: HTMLElement | undefined;
  let unreadObserver: IntersectionObserver | undefined;
  const watchUnread = (el: HTMLElement) => {
    unreadEl = el;
    unreadObserver?.observe(el);
  };
  const jumpToUnread = async () => {
    for (let i = 0; i < JUMP_MAX_PAGES && unreadSeq() === null && thread()?.hasMore; i++) await messages.loadOlder(props.roomId);
    setUnreadSeen(true);
    queueMicrotask(() => unreadEl?.scrollIntoView({ block: 'start' }));
  };
  const lastOwnSeq = createMemo(() => {
    const l = list();
    for (let i = l.length - 1; i >= 0; i--) if (l[i]!.senderId === me() && !l[i]!.deletedAt) return l[i]!.seq;
    return 0;
  });

  const scrollToBottom = (smooth = false) => {
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    setAtBottom(true);
    setNewCount(0);
  };

  /** Loads the previous page and restores the reader's place: content grew above them by its height. */
  const loadOlder = async () => {
    const t = thread();
    if (!t?.loaded || t.loadingOlder || !t.hasMore) return;
    const before = scroller.scrollHeight;
    const top = scroller.scrollTop;
    await messages.loadOlder(props.roomId);
    scroller.scrollTop = top + (scroller.scrollHeight - before);
    // A short first page may not fill the view: keep loading until it scrolls.
    if (scroller.scrollHeight <= scroller.clientHeight && thread()?.hasMore) void loadOlder();
    else if (scroller.scrollTop < PREFETCH_PX) onScroll();
  };

  const onScroll = () => {
    const gap = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    const bottom = gap < STICK_PX;
    setAtBottom(bottom);
    if (bottom) setNewCount(0);
    if (scroller.scrollTop < PREFETCH_PX) void loadOlder();
  };

  onMount(() => {
    // Content that grows at the end while the reader is there (a "seen by" line, a bubble that
    // confirms, an edit) keeps the end in view.
    const resize = new ResizeObserver(() => {
      if (atBottom() && thread()?.loaded) scroller.scrollTop = scroller.scrollHeight;
    });
    resize.observe(content);
    onCleanup(() => resize.disconnect());
    // Once the "New messages" line has been in view, the button that jumps to it has done its job.
    unreadObserver = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setUnreadSeen(true);
    }, { root: scroller });
    if (unreadEl) unreadObserver.observe(unreadEl);
    onCleanup(() => unreadObserver?.disconnect());
    const onVis = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onVis);
    onCleanup(() => document.removeEventListener('visibilitychange', onVis));
    void messages.open(props.roomId).then(() => {
      scrollToBottom();
      if (scroller.scrollHeight <= scroller.clientHeight) void loadOlder();
    });
  });

  // New messages at the end: follow them when at the bottom (or when they are the user's own),
  // else count them for the pill.
  createEffect(
    on(
      () => [list()[list().length - 1]?.seq ?? 0, pending().length] as const,
      ([seq, pend], prev) => {
        if (!prev || !thread()?.loaded) return;
        const [prevSeq, prevPend] = prev;
        const ownNew = pend > prevPend || list().some((m) => m.seq > prevSeq && m.senderId === me());
        if (seq > prevSeq || pend !== prevPend) {
          if (atBottom() || ownNew) queueMicrotask(() => scrollToBottom());
          else if (seq > prevSeq && prevSeq > 0) {
            setNewCount((n) => n + list().filter((m) => m.seq > prevSeq && m.senderId !== me()).length);
          }
        }
      },
    ),
  );

  // While the end of the conversation is in view, the room gathers no unread and its marker moves.
  createEffect(() => {
    const known = rv()?.knownSeq ?? 0;
    const reading = Boolean(thread()?.loaded) && atBottom() && visible();
    rooms.setReading(reading ? props.roomId : null);
    if (!reading) return;
    void known;
    const seq = rooms.markSeen(props.roomId);
    if (seq !== null) live.sendRead(props.roomId, seq);
  });
  onCleanup(() => {
    if (rooms.reading() === props.roomId) rooms.setReading(null);
  });

  const showDay = (i: number) => {
    const l = list();
    const m = l[i];
    const prev = l[i - 1];
    return Boolean(m && (!prev || dayKey(prev.createdAt) !== dayKey(m.createdAt)));
  };
  const showHeader = (i: number) => {
    const l = list();
    const m = l[i];
    const prev = l[i - 1];
    if (!m || !prev || showDay(i)) return true;
    return prev.senderId !== m.senderId || Date.parse(m.createdAt) - Date.parse(prev.createdAt) > GROUP_MS;
  };

  return (
    <div class="messages">
      <div
        class="messages__scroller"
        ref={scroller}
        onScroll={onScroll}
        role="log"
        aria-label="Messages"
        aria-live="polite"
        aria-relevant="additions"
        tabindex="0"
        data-testid="message-list"
      >
        <div class="messages__top">
          <Show when={thread()?.loadingOlder || thread()?.loading}>
            <span class="spinner" role="status" aria-label="Loading messages" />
          </Show>
          <Show when={thread()?.loaded && !thread()?.hasMore}>
            <p class="messages__start" data-testid="history-start">
              This is the start of the conversation.
            </p>
          </Show>
          <Show when={thread()?.error}>
            <p class="form__error" role="alert">
              {thread()?.error}{' '}
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => void messages.open(props.roomId)}>
                Try again
              </button>
            </p>
          </Show>
        </div>
        <div class="messages__content" ref={content}>
          <For each={list()}>
            {(m, i) => (
              <>
                <Show when={showDay(i())}>
                  <DaySeparator iso={m.createdAt} />
                </Show>
                <Show when={m.seq === unreadSeq()}>
                  <UnreadLine ref={watchUnread} />
                </Show>
                <MessageItem
                  roomId={props.roomId}
                  message={m}
                  own={m.senderId === me()}
                  showHeader={showHeader(i())}
                  canDelete={m.senderId === me() || isAdmin()}
                />
                <Show when={m.seq === lastOwnSeq()}>
                  <SeenBy roomId={props.roomId} seq={m.seq} />
                </Show>
              </>
            )}
          </For>
          <For each={pending()}>{(p) => <PendingItem pending={p} />}</For>
        </div>
      </div>
      <Show when={openedUnread > 0 && !unreadSeen()}>
        <button type="button" class="jump-unread" data-testid="jump-to-unread" onClick={() => void jumpToUnread()}>
          <Icon name="up" size={16} />
          Jump to first unread ({count(openedUnread, 'message', 'messages')})
        </button>
      </Show>
      <Show when={newCount() > 0}>
        <button type="button" class="pill" data-testid="new-messages-pill" onClick={() => scrollToBottom(true)}>
          {count(newCount(), 'new message', 'new messages')}
          <Icon name="down" size={16} />
        </button>
      </Show>
      <Show when={newCount() === 0 && !atBottom()}>
        <button type="button" class="jump" aria-label="Jump to the latest message" onClick={() => scrollToBottom(true)}>
          <Icon name="down" size={18} />
        </button>
      </Show>
    </div>
  );
}
