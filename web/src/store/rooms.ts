// The room list: the caller's rooms with what the list shows (unread, preview, activity), presence,
// typing and read receipts. Messages themselves live in the messages slice.
import type { Message, Room } from '@converge/protocol';
import { batch, createMemo, createSignal } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { Api } from '../lib/api';
import { isSystem } from './revs';
import type { SessionStore } from './session';
import type { UsersStore } from './users';

export interface RoomView {
  room: Room;
  /** Highest seq applied to this view; a live message above knownSeq + 1 means a gap. */
  knownSeq: number;
  unread: number;
  /** Highest seq already counted in `unread` (the server's count covers up to its lastSeq). */
  unreadThrough: number;
  last: Message | null;
  /** Latest activity (last message, else creation): the list's sort key. */
  activityAt: string;
}

interface RoomsState {
  byId: Record<string, RoomView>;
  loaded: boolean;
  error: string | null;
}

function viewOf(room: Room): RoomView {
  return {
    room,
    knownSeq: room.lastSeq,
    unread: room.unreadCount,
    unreadThrough: room.lastSeq,
    last: null,
    activityAt: room.createdAt,
  };
}

export interface RoomsDeps {
  api: Pick<Api, 'rooms' | 'history' | 'presence'>;
  session: Pick<SessionStore, 'me'>;
  users: Pick<UsersStore, 'get' | 'name'>;
}

export function createRoomsStore({ api, session, users }: RoomsDeps) {
  const [state, setState] = createStore<RoomsState>({ byId: {}, loaded: false, error: null });
  /** userId → online. */
  const [presence, setPresenceStore] = createStore<Record<string, boolean>>({});
  /** roomId → userId → when the indicator expires (ms). */
  const [typing, setTypingStore] = createStore<Record<string, Record<string, number>>>({});
  /** roomId → userId → highest seq that member has read (from live receipts). */
  const [receipts, setReceiptsStore] = createStore<Record<string, Record<string, number>>>({});
  /** The room the user is looking at, scrolled to its end, with the page visible: it gathers no unread. */
  const [reading, setReading] = createSignal<string | null>(null);

  const sorted = createMemo(() =>
    Object.values(state.byId).sort((a, b) => (a.activityAt < b.activityAt ? 1 : a.activityAt > b.activityAt ? -1 : 0)),
  );

  async function loadPreviews(ids: string[]): Promise<void> {
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const page = await api.history(id, { limit: 1 });
          const m = page.messages[0];
          if (m) applyPreview(id, m);
        } catch {
          // The preview stays empty; the next reload tries again.
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  function applyPreview(roomId: string, m: Message): void {
    const rv = state.byId[roomId];
    if (!rv || (rv.last && rv.last.seq > m.seq)) return;
    setState('byId', roomId, { last: { ...m }, activityAt: m.createdAt > rv.activityAt ? m.createdAt : rv.activityAt });
  }

  /** The presence of DM partners now (the dots of the list); later changes come as `presence` events. */
  async function loadPresence(ids: string[]): Promise<void> {
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const { users: list } = await api.presence(id);
          const me = session.me();
          for (const u of list) if (u.userId !== me) setPresenceStore(u.userId, u.online);
        } catch {
          // No dot is better than a wrong one: the next connect asks again.
        }
      }
    };
    await Promise.all([worker(), worker()]);
  }

  let reloading: Promise<void> | null = null;

  const rooms = {
    state,
    sorted,
    presence,
    typing,
    receipts,
    reading,
    setReading,

    get(id: string): RoomView | undefined {
      return state.byId[id];
    },

    /** GET /rooms merged into what we hold: new rooms added, gone rooms dropped, unread from the server. */
    reload(): Promise<void> {
      if (reloading) return reloading;
      reloading = (async () => {
        try {
          const { rooms: list } = await api.rooms();
          const needPreview: string[] = [];
          batch(() => {
            const seen = new Set<string>();
            for (const r of list) {
              seen.add(r.id);
              const rv = state.byId[r.id];
              if (!rv) {
                setState('byId', r.id, viewOf(r));
                if (r.lastSeq > 0) needPreview.push(r.id);
                continue;
              }
              setState('byId', r.id, 'room', reconcile(r));
              // The server's unread covers every message up to its lastSeq; messages we applied past that
              // (arrived while the request was out) are already counted locally.
              if (r.lastSeq >= rv.knownSeq) {
                setState('byId', r.id, { unread: reading() === r.id ? 0 : r.unreadCount, unreadThrough: r.lastSeq });
              }
              if (!rv.last && r.lastSeq > 0) needPreview.push(r.id);
            }
            for (const id of Object.keys(state.byId)) if (!seen.has(id)) rooms.remove(id);
            setState({ loaded: true, error: null });
          });
          for (const r of list) for (const m of r.members) users.get(m.userId);
          void loadPreviews(needPreview);
          // Reloads happen on (re)connect: whatever presence we held may have changed meanwhile.
          void loadPresence(list.filter((r) => r.kind === 'direct').map((r) => r.id));
        } catch (e) {
          setState('error', e instanceof Error ? e.message : 'Could not load rooms');
        }
      })().finally(() => {
        reloading = null;
      });
      return reloading;
    },

    upsert(room: Room): void {
      const rv = state.byId[room.id];
      if (rv) setState('byId', room.id, 'room', reconcile(room));
      else {
        setState('byId', room.id, viewOf(room));
        if (room.lastSeq > 0) void loadPreviews([room.id]);
        if (room.kind === 'direct') void loadPresence([room.id]);
      }
      for (const m of room.members) users.get(m.userId);
    },

    remove(id: string): void {
      setState('byId', produce((b) => void delete b[id]));
      setTypingStore(produce((t) => void delete t[id]));
      setReceiptsStore(produce((r) => void delete r[id]));
    },

    /**
     * Applies messages to the room's summary (seq, unread, preview); the thread is updated by the caller.
     * `last` is always a copy set as a whole: a store merges an object set at a path into the one already
     * there, and the raw message may also be an entry of the thread, which must not change with it.
     */
    applyMessage(m: Message): void {
      const rv = state.byId[m.roomId];
      if (!rv) return;
      const me = session.me();
      if (m.seq > rv.knownSeq) {
        const patch: Partial<RoomView> = { knownSeq: m.seq, last: { ...m } };
        if (m.createdAt > rv.activityAt) patch.activityAt = m.createdAt;
        if (m.seq > rv.unreadThrough) {
          patch.unreadThrough = m.seq;
          // A system line (a join, a rename) is never unread, as the server counts it.
          if (m.senderId === me) {
            // Sending moves the sender's own read marker to the message.
            patch.unread = 0;
            setState('byId', m.roomId, 'room', 'readSeq', m.seq);
          } else if (!m.deletedAt && !isSystem(m) && reading() !== m.roomId) patch.unread = rv.unread + 1;
        }
        setState('byId', m.roomId, patch);
      } else if (!rv.last || rv.last.seq <= m.seq) {
        setState('byId', m.roomId, { last: { ...m } });
      }
      if (m.senderId !== me) rooms.setTyping(m.roomId, m.senderId, false);
    },

    /** The user has seen everything in the room: badge off, read marker forward (returns the seq to send). */
    markSeen(id: string): number | null {
      const rv = state.byId[id];
      if (!rv) return null;
      if (rv.unread) setState('byId', id, 'unread', 0);
      if (rv.knownSeq > rv.room.readSeq) {
        setState('byId', id, 'room', 'readSeq', rv.knownSeq);
        return rv.knownSeq;
      }
      return null;
    },

    setPresence(userId: string, online: boolean): void {
      setPresenceStore(userId, online);
    },

    /** Forgets everyone's presence (the link is down: changes meanwhile never reach us). */
    clearPresence(): void {
      setPresenceStore(reconcile({}));
    },

    setTyping(roomId: string, userId: string, on: boolean): void {
      if (on) setTypingStore(roomId, (t) => ({ ...(t ?? {}), [userId]: Date.now() + 5000 }));
      else if (typing[roomId]?.[userId]) setTypingStore(roomId, produce((t) => void delete t[userId]));
    },

    clearTyping(): void {
      setTypingStore(reconcile({}));
    },

    pruneTyping(): void {
      const now = Date.now();
      for (const [roomId, who] of Object.entries(typing)) {
        for (const [userId, until] of Object.entries(who)) if (until < now) rooms.setTyping(roomId, userId, false);
      }
    },

    setReceipt(roomId: string, userId: string, seq: number): void {
      if (userId === session.me()) {
        const rv = state.byId[roomId];
        if (rv && seq >= rv.knownSeq) setState('byId', roomId, 'unread', 0);
        if (rv && seq > rv.room.readSeq) setState('byId', roomId, 'room', 'readSeq', seq);
        return;
      }
      if ((receipts[roomId]?.[userId] ?? 0) < seq) setReceiptsStore(roomId, (r) => ({ ...(r ?? {}), [userId]: seq }));
    },

    /** The name a room shows: a group's name, or the other person's in a DM. */
    title(rv: RoomView): string {
      if (rv.room.kind === 'group') return rv.room.name;
      const other = rooms.otherMember(rv);
      return other ? users.name(other) : rv.room.name || 'Direct message';
    },

    otherMember(rv: RoomView): string | undefined {
      const me = session.me();
      return rv.room.members.find((m) => m.userId !== me)?.userId;
    },

    isAdmin(rv: RoomView): boolean {
      const me = session.me();
      return rv.room.members.some((m) => m.userId === me && m.role === 'admin');
    },

    reset(): void {
      batch(() => {
        setState({ byId: {}, loaded: false, error: null });
        setPresenceStore(reconcile({}));
        setTypingStore(reconcile({}));
        setReceiptsStore(reconcile({}));
        setReading(null);
      });
    },
  };
  return rooms;
}

export type RoomsStore = ReturnType<typeof createRoomsStore>;
