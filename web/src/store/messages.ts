// Each room's thread: confirmed messages in seq order (a contiguous run ending at the newest), older
// pages loaded on demand, and the user's optimistic sends until the server confirms them.
import type { Message } from '@converge/protocol';
import { batch } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { type Api, ApiFailure } from '../lib/api';
import { newClientMsgId } from '../lib/ids';
import { AckFailure, emitWithAck } from '../lib/socket';
import type { ConnectionStore } from './connection';
import type { RoomsStore } from './rooms';
import { perRoomRuns } from './per-room-runs';
import { isNewer, revAfterPage, revStep } from './revs';
import type { SessionStore } from './session';

export const PAGE_SIZE = 50;

export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  body: string;
  createdAt: string;
  state: 'sending' | 'failed';
  error: string | null;
  /** A connection failure (resent on reconnect), not a refusal (only the user's retry resends). */
  retryable: boolean;
}

export interface Thread {
  messages: Message[];
  pending: PendingMessage[];
  loaded: boolean;
  loading: boolean;
  hasMore: boolean;
  loadingOlder: boolean;
  error: string | null;
}

function emptyThread(): Thread {
  return { messages: [], pending: [], loaded: false, loading: false, hasMore: false, loadingOlder: false, error: null };
}

/** Index of the first message with seq >= `seq` (messages are sorted by seq). */
function lowerBound(list: Message[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function failureText(e: unknown): { text: string; retryable: boolean } {
  if (e instanceof AckFailure || e instanceof ApiFailure) {
    const retryable = ['TIMEOUT', 'DISCONNECTED', 'NETWORK', 'UNAVAILABLE', 'RATE_LIMITED'].includes(e.code);
    return { text: retryable ? 'Not sent yet' : e.message, retryable };
  }
  return { text: 'Not sent', retryable: true };
}

export interface MessagesDeps {
  api: Pick<Api, 'history' | 'editMessage' | 'deleteMessage' | 'addReaction' | 'removeReaction'>;
  connection: Pick<ConnectionStore, 'socket' | 'connected'>;
  rooms: Pick<RoomsStore, 'get' | 'applyMessage'>;
  session: Pick<SessionStore, 'me'>;
}

export function createMessagesStore({ api, connection, rooms, session }: MessagesDeps) {
  const [threads, setThreads] = createStore<Record<string, Thread>>({});

  function ensure(roomId: string): Thread {
    if (!threads[roomId]) setThreads(roomId, emptyThread());
    return threads[roomId]!;
  }

  /** Automatic resend attempts per clientMsgId while connected. */
  const tries = new Map<string, number>();
  /**
   * roomId → the room's rev we hold every change up to (not reactive: only the catch-up reads it). Set
   * from the room's lastRev when we first see the room (history then gives the latest state of older
   * messages), moved forward by each next rev and by each changes page.
   */
  const revs = new Map<string, number>();

  function heldRev(roomId: string): number {
    let r = revs.get(roomId);
    if (r === undefined) {
      r = rooms.get(roomId)?.room.lastRev ?? 0;
      revs.set(roomId, r);
    }
    return r;
  }

  /** One `room:sync` round: new messages by seq from the last one we hold, oldest first, until no more. */
  async function syncRound(roomId: string): Promise<void> {
    for (let rounds = 0; rounds < 100; rounds++) {
      const socket = connection.socket();
      const rv = rooms.get(roomId);
      if (!socket || !rv) return;
      const t = threads[roomId];
      const threadLast = t?.loaded ? (t.messages[t.messages.length - 1]?.seq ?? 0) : rv.knownSeq;
      const after = Math.min(threadLast, rv.knownSeq);
      const ack = await emitWithAck(socket, 'room:sync', { roomId, afterSeq: after, limit: 500 }, 10_000);
      messages.apply(roomId, ack.messages);
      if (!ack.hasMore || !ack.messages.length) return;
    }
  }

  /** One `room:changes` round: every change since the rev we hold, paging while more. */
  async function changesRound(roomId: string): Promise<void> {
    for (let rounds = 0; rounds < 100; rounds++) {
      const socket = connection.socket();
      if (!socket || !rooms.get(roomId)) return;
      const from = heldRev(roomId);
      const ack = await emitWithAck(socket, 'room:changes', { roomId, afterRev: from, limit: 500 }, 10_000);
      messages.apply(roomId, ack.messages);
      revs.set(roomId, Math.max(heldRev(roomId), revAfterPage(from, ack)));
      if (!ack.hasMore || !ack.messages.length) return;
    }
  }

  const syncRuns = perRoomRuns(syncRound);
  const changesRuns = perRoomRuns(changesRound);

  const messages = {
    threads,

    thread(roomId: string): Thread | undefined {
      return threads[roomId];
    },

    /**
     * Applies confirmed messages from any path (ack, live event, sync, history) to the room summary and,
     * when it is loaded, the thread: inserted by seq, never twice; a copy replaces the one held only with
     * a newer rev (never the same change twice, never backwards); an own message replaces its pending
     * bubble. `force`: a local change the server confirmed without sending the message back (a delete).
     */
    apply(roomId: string, list: Message[], { force = false }: { force?: boolean } = {}): void {
      if (!list.length) return;
      const me = session.me();
      const sortedList = [...list].sort((a, b) => a.seq - b.seq);
      batch(() => {
        const t = threads[roomId];
        for (const m of sortedList) {
          if (t?.loaded) {
            setThreads(
              roomId,
              'messages',
              produce((arr) => {
                const last = arr[arr.length - 1];
                if (!last || m.seq > last.seq) {
                  arr.push(m);
                  return;
                }
                const i = lowerBound(arr, m.seq);
                const held = arr[i];
                if (held?.seq === m.seq) {
                  if (force || isNewer(held, m)) arr[i] = m;
                }
                // Older than the loaded run while more history exists: it arrives with that page.
                else if (i > 0 || !t.hasMore) arr.splice(i, 0, m);
              }),
            );
          }
          if (m.senderId === me && t?.pending.some((p) => p.clientMsgId === m.clientMsgId)) {
            setThreads(roomId, 'pending', (ps) => ps.filter((p) => p.clientMsgId !== m.clientMsgId));
          }
          rooms.applyMessage(m);
        }
      });
    },

    /** Opens a room: its latest page, then whatever arrived meanwhile. */
    async open(roomId: string): Promise<void> {
      const t = ensure(roomId);
      if (t.loaded || t.loading) return;
      heldRev(roomId); // the feed's starting point: before the page, so no change after it is missed
      setThreads(roomId, { loading: true, error: null });
      try {
        const page = await api.history(roomId, { limit: PAGE_SIZE });
        const list = [...page.messages].sort((a, b) => a.seq - b.seq);
        batch(() => {
          setThreads(roomId, { messages: list, hasMore: page.hasMore, loaded: true, loading: false });
          messages.apply(roomId, list);
        });
        const lastSeq = list[list.length - 1]?.seq ?? 0;
        if ((rooms.get(roomId)?.knownSeq ?? 0) > lastSeq) void messages.sync(roomId);
      } catch (e) {
        setThreads(roomId, { loading: false, error: e instanceof Error ? e.message : 'Could not load messages' });
      }
    },

    /** The page before the oldest loaded message (infinite scroll upward). */
    async loadOlder(roomId: string): Promise<void> {
      const t = threads[roomId];
      if (!t?.loaded || t.loadingOlder || !t.hasMore) return;
      const first = t.messages[0]?.seq;
      if (first === undefined || first <= 1) {
        setThreads(roomId, 'hasMore', false);
        return;
      }
      setThreads(roomId, 'loadingOlder', true);
      try {
        const page = await api.history(roomId, { before: first, limit: PAGE_SIZE });
        const older = page.messages.filter((m) => m.seq < first).sort((a, b) => a.seq - b.seq);
        batch(() => {
          setThreads(roomId, 'messages', (arr) => [...older, ...arr]);
          setThreads(roomId, { hasMore: page.hasMore && (older[0]?.seq ?? 1) > 1, loadingOlder: false });
        });
      } catch {
        setThreads(roomId, 'loadingOlder', false);
      }
    },

    /**
     * Catches a room up from the last seq we hold (`room:sync`, oldest first, until no more), so nothing
     * is missing or doubled after a reconnect or a seq gap. One sync per room at a time; a request during
     * one runs again after it.
     */
    sync(roomId: string): Promise<void> {
      return syncRuns.run(roomId);
    },

    /**
     * A message from a live event or an ack, with its rev: applied by rev, and when its rev is past a
     * gap (changes we never got), the room's changes are fetched from the rev we hold.
     */
    applyLive(roomId: string, m: Message): void {
      const held = heldRev(roomId);
      const step = revStep(held, m.rev);
      messages.apply(roomId, [m]);
      if (step === 'next') revs.set(roomId, m.rev);
      else if (step === 'gap') void messages.changes(roomId);
    },

    /** Notes the rev the room is at when we first see it (the catch-up after a reconnect starts there). */
    knowRoom(roomId: string): void {
      heldRev(roomId);
    },

    /**
     * Catches a room up by rev (`room:changes` from the rev we hold, paging while more): every edit,
     * delete and reaction made while we were away, each message in its latest state. Skipped when the
     * room's lastRev says there is nothing new. One run per room at a time; a request during one runs
     * again after it.
     */
    changes(roomId: string): Promise<void> {
      return changesRuns.run(roomId);
    },

    /** After a (re)connect and a room list reload: the changes feed if the room moved, then new messages by seq. */
    async catchUp(roomId: string): Promise<void> {
      const rv = rooms.get(roomId);
      if (rv && rv.room.lastRev > heldRev(roomId)) await messages.changes(roomId);
      await messages.sync(roomId);
    },

    /** Adds (`on`) or removes the user's reaction; the answer (or the live event) brings the new counts. */
    async react(roomId: string, seq: number, emoji: string, on: boolean): Promise<void> {
      const socket = connection.socket();
      if (socket?.connected) {
        const ack = await emitWithAck(socket, on ? 'reaction:add' : 'reaction:remove', { roomId, seq, emoji });
        messages.applyLive(roomId, ack.message);
      } else if (on) await api.addReaction(roomId, seq, emoji);
      else await api.removeReaction(roomId, seq, emoji);
    },

    /** An optimistic send: a pending bubble now, confirmed (or failed with a retry) when the ack comes. */
    send(roomId: string, body: string): void {
      const p: PendingMessage = {
        clientMsgId: newClientMsgId(),
        roomId,
        body,
        createdAt: new Date().toISOString(),
        state: 'sending',
        error: null,
        retryable: true,
      };
      ensure(roomId);
      setThreads(roomId, 'pending', (ps) => [...ps, p]);
      void messages.attempt(roomId, p.clientMsgId);
    },

    /** Sends (or resends, with the same clientMsgId, so the server stores it once) a pending message. */
    async attempt(roomId: string, clientMsgId: string): Promise<void> {
      const p = threads[roomId]?.pending.find((x) => x.clientMsgId === clientMsgId);
      if (!p) return;
      const setP = (patch: Partial<PendingMessage>) =>
        setThreads(roomId, 'pending', (x) => x.clientMsgId === clientMsgId, patch);
      setP({ state: 'sending', error: null });
      try {
        const socket = connection.socket();
        if (!socket) throw new AckFailure('DISCONNECTED', 'Not connected');
        const ack = await emitWithAck(socket, 'message:send', { roomId, body: p.body, clientMsgId }, 10_000);
        messages.applyLive(roomId, ack.message);
        tries.delete(clientMsgId);
      } catch (e) {
        const f = failureText(e);
        setP({ state: 'failed', error: f.text, retryable: f.retryable });
        // Connected, yet no ack (a timeout across a short blip, a rate limit): try again a few times
        // by itself. Disconnected: the next connect resends it (resendFailed).
        const n = (tries.get(clientMsgId) ?? 0) + 1;
        tries.set(clientMsgId, n);
        if (f.retryable && n < 4 && connection.connected()) {
          setTimeout(() => {
            const still = threads[roomId]?.pending.find((x) => x.clientMsgId === clientMsgId);
            if (still?.state === 'failed' && connection.connected()) void messages.attempt(roomId, clientMsgId);
          }, 1000 * n);
        }
      }
    },

    /** After a reconnect: resend what failed for want of a connection. */
    resendFailed(): void {
      tries.clear();
      for (const [roomId, t] of Object.entries(threads)) {
        for (const p of t.pending) if (p.state === 'failed' && p.retryable) void messages.attempt(roomId, p.clientMsgId);
      }
    },

    discard(roomId: string, clientMsgId: string): void {
      setThreads(roomId, 'pending', (ps) => ps.filter((p) => p.clientMsgId !== clientMsgId));
    },

    async edit(roomId: string, seq: number, body: string): Promise<void> {
      const socket = connection.socket();
      const updated = socket?.connected
        ? (await emitWithAck(socket, 'message:edit', { roomId, seq, body })).message
        : await api.editMessage(roomId, seq, body);
      messages.applyLive(roomId, updated);
    },

    async remove(roomId: string, seq: number): Promise<void> {
      const socket = connection.socket();
      if (socket?.connected) await emitWithAck(socket, 'message:delete', { roomId, seq });
      else await api.deleteMessage(roomId, seq);
      const t = threads[roomId];
      const m = t?.messages.find((x) => x.seq === seq);
      // Same rev as held: the live event with the delete's own rev still replaces it.
      if (m && !m.deletedAt) messages.apply(roomId, [{ ...m, body: null, deletedAt: new Date().toISOString() }], { force: true });
    },

    drop(roomId: string): void {
      revs.delete(roomId);
      setThreads(produce((t) => void delete t[roomId]));
    },

    reset(): void {
      setThreads(reconcile({}));
      syncRuns.clear();
      revs.clear();
      changesRuns.clear();
    },
  };
  return messages;
}

export type MessagesStore = ReturnType<typeof createMessagesStore>;
