// Wires the socket's events into the slices and keeps the link alive: reconnects (with a fresh token
// when the old one was refused), follows the browser's offline/online, and after every connect reloads
// the room list, syncs every room from its last seq and resends what could not be sent.
import type { Message } from '@converge/protocol';
import type { Api } from '../lib/api';
import type { Route } from '../lib/router';
import { type ChatSocket, emitWithAck } from '../lib/socket';
import type { ConnectionStore } from './connection';
import type { MessagesStore } from './messages';
import type { RoomsStore } from './rooms';
import type { SessionStore } from './session';

/** The browser's view of the network: `navigator.onLine` and the window's offline/online events. */
export interface Network {
  online(): boolean;
  on(event: 'offline' | 'online', listener: () => void): () => void;
}

export interface LiveDeps {
  api: Pick<Api, 'markRead'>;
  /** Opens the chat socket (not yet connected), presenting the current token on every (re)connect. */
  connect: (accessToken: () => string | null) => ChatSocket;
  network: Network;
  router: { route(): Route; navigate(path: string, opts?: { replace?: boolean }): void };
  session: Pick<SessionStore, 'accessToken' | 'refresh' | 'revoked' | 'onToken' | 'me'>;
  connection: ConnectionStore;
  rooms: Pick<RoomsStore, 'state' | 'get' | 'reload' | 'upsert' | 'remove' | 'clearTyping' | 'pruneTyping' | 'setReceipt' | 'setTyping' | 'setPresence' | 'clearPresence' | 'reset'>;
  messages: Pick<MessagesStore, 'sync' | 'apply' | 'applyLive' | 'catchUp' | 'knowRoom' | 'resendFailed' | 'drop' | 'reset'>;
}

export function createLiveStore({ api, connect, network, router, session, connection, rooms, messages }: LiveDeps) {
  let cleanup: (() => void) | null = null;

  /** A live message: applied when it follows what we hold, else (a seq gap) the room is synced instead. */
  function onNewMessage(m: Message): void {
    const rv = rooms.get(m.roomId);
    if (!rv) {
      // A room we do not know yet (its room:added is late): learn it, then catch up.
      void rooms.reload().then(() => messages.sync(m.roomId));
      return;
    }
    if (m.seq > rv.knownSeq + 1) {
      void messages.sync(m.roomId);
      return;
    }
    messages.applyLive(m.roomId, m);
  }

  async function afterConnect(): Promise<void> {
    await rooms.reload();
    const ids = Object.keys(rooms.state.byId);
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) await messages.catchUp(id);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    messages.resendFailed();
  }

  function start(): void {
    if (cleanup) return;
    const socket = connect(session.accessToken);
    connection.setSocket(socket);
    connection.setStatus('connecting');
    let shutdownDelay: number | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const connectLater = (ms: number) => {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => {
        if (network.online() && !socket.connected) socket.connect();
      }, ms);
    };

    socket.on('connect', () => {
      connection.setStatus('connected');
      shutdownDelay = null;
      void afterConnect();
    });
    socket.on('disconnect', (reason) => {
      connection.setStatus(!network.online() ? 'offline' : 'reconnecting');
      // Nobody's "stopped typing", nor anyone going offline, can reach us now; the next connect
      // reloads presence from the server.
      rooms.clearTyping();
      rooms.clearPresence();
      // The server closed us (a pod draining): socket.io does not reconnect by itself then.
      if (reason === 'io server disconnect') connectLater(shutdownDelay ?? 500 + Math.random() * 1000);
    });
    socket.on('connect_error', (err) => {
      if (connection.state.status !== 'offline') connection.setStatus(connection.state.everConnected ? 'reconnecting' : 'connecting');
      if (socket.active) return; // socket.io retries transport failures itself
      // Refused by the server's auth middleware: a fresh token, or the session is over.
      if (err.message === 'UNAUTHENTICATED') {
        void session.refresh().then((ok) => {
          if (ok) socket.connect();
          else session.revoked();
        });
      } else connectLater(2000);
    });
    socket.on('server:shutdown', (p) => {
      shutdownDelay = Math.min(Math.max(p.afterMs, 0), 10_000);
    });

    socket.on('message:new', onNewMessage);
    socket.on('message:updated', (m) => messages.applyLive(m.roomId, m));
    socket.on('room:added', (room) => {
      rooms.upsert(room);
      messages.knowRoom(room.id);
      void messages.sync(room.id);
    });
    const dropRoom = (roomId: string) => {
      rooms.remove(roomId);
      messages.drop(roomId);
      const r = router.route();
      if (r.name === 'room' && r.roomId === roomId) router.navigate('/', { replace: true });
    };
    socket.on('room:updated', (room) => {
      // An update can race our own removal (it went to the room's channel before we left it): a room
      // that no longer lists us is gone, not renamed.
      if (!room.members.some((m) => m.userId === session.me())) dropRoom(room.id);
      else rooms.upsert(room);
    });
    socket.on('room:removed', ({ roomId }) => dropRoom(roomId));
    socket.on('room:read', ({ roomId, userId, seq }) => rooms.setReceipt(roomId, userId, seq));
    socket.on('typing', ({ roomId, userId, typing }) => rooms.setTyping(roomId, userId, typing));
    socket.on('presence', ({ userId, online }) => rooms.setPresence(userId, online));

    // A new access token goes to the open socket too, so the server keeps it past the old one's expiry.
    const offToken = session.onToken((token) => {
      if (socket.connected) void emitWithAck(socket, 'auth:refresh', { token }).catch(() => undefined);
    });

    // The browser knows first when the network is gone: say so, and reconnect as soon as it is back.
    const onOffline = () => {
      connection.setStatus('offline');
      socket.disconnect();
    };
    const onOnline = () => {
      connection.setStatus('reconnecting');
      socket.connect();
    };
    const offOffline = network.on('offline', onOffline);
    const offOnline = network.on('online', onOnline);

    const typingTicker = setInterval(() => rooms.pruneTyping(), 1000);

    void rooms.reload();
    if (!network.online()) connection.setStatus('offline');
    else socket.connect();

    cleanup = () => {
      clearInterval(typingTicker);
      clearTimeout(retryTimer);
      offOffline();
      offOnline();
      offToken();
      socket.removeAllListeners();
      socket.disconnect();
      connection.setSocket(null);
      connection.reset();
    };
  }

  function stop(): void {
    cleanup?.();
    cleanup = null;
    messages.reset();
    rooms.reset();
  }

  /** Sends the read marker (socket when connected, else REST). */
  function sendRead(roomId: string, seq: number): void {
    const socket = connection.socket();
    if (socket?.connected) void emitWithAck(socket, 'room:read', { roomId, seq }).catch(() => undefined);
    else void api.markRead(roomId, seq).catch(() => undefined);
  }

  let typingSent: { roomId: string; at: number } | null = null;

  /** Tells the room the user is typing (at most every 3 s), or stopped. */
  function sendTyping(roomId: string, on: boolean): void {
    const socket = connection.socket();
    if (!socket?.connected) return;
    const now = Date.now();
    if (on) {
      if (typingSent && typingSent.roomId === roomId && now - typingSent.at < 3000) return;
      typingSent = { roomId, at: now };
    } else {
      if (!typingSent || typingSent.roomId !== roomId) return;
      typingSent = null;
    }
    void emitWithAck(socket, 'typing', { roomId, typing: on }).catch(() => undefined);
  }

  return { start, stop, sendRead, sendTyping };
}

export type LiveStore = ReturnType<typeof createLiveStore>;
