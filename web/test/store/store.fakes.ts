// Stand-ins for what the web store is built over: a fake REST api (only the calls a test gives
// answer; any other rejects), a fake chat socket (the test plays the server: it answers client emits
// and sends server events), a network and a router. The store itself is the real one.
import type { Message, Room } from '@converge/protocol';
import { createSignal } from 'solid-js';
import type { Api } from '../../src/lib/api';
import type { Route } from '../../src/lib/router';
import type { ChatSocket } from '../../src/lib/socket';
import { type AppStore, createAppStore } from '../../src/store';

export const ME = '00000000-0000-4000-8000-00000000000a';
export const BOB = '00000000-0000-4000-8000-00000000000b';
export const CAROL = '00000000-0000-4000-8000-00000000000c';

export function roomId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function aRoom(id: string, over: Partial<Room> = {}): Room {
  return {
    id,
    name: 'General',
    kind: 'group',
    visibility: 'private',
    createdAt: '2026-01-01T00:00:00.000Z',
    lastSeq: 0,
    lastRev: 0,
    unreadCount: 0,
    readSeq: 0,
    members: [
      { userId: ME, role: 'admin' },
      { userId: BOB, role: 'member' },
    ],
    ...over,
  };
}

let ids = 0;
export function aMessage(room: string, seq: number, over: Partial<Message> = {}): Message {
  ids++;
  return {
    id: `10000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    roomId: room,
    seq,
    senderId: BOB,
    body: `message ${seq}`,
    clientMsgId: `c-${ids}`,
    createdAt: new Date(Date.UTC(2026, 0, 2, 0, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    rev: seq,
    reactions: [],
    kind: 'user',
    system: null,
    ...over,
  };
}

export interface ApiCall {
  name: keyof Api;
  args: unknown[];
}

/** An api whose calls are recorded; the ones in `impl` answer, every other one rejects. */
export function fakeApi(impl: Partial<Api> = {}): { api: Api; calls: ApiCall[]; set(more: Partial<Api>): void } {
  const calls: ApiCall[] = [];
  const answers: Partial<Api> = { ...impl };
  const api = new Proxy({} as Api, {
    get(_t, name: string) {
      return (...args: unknown[]) => {
        calls.push({ name: name as keyof Api, args });
        const f = answers[name as keyof Api] as ((...a: unknown[]) => unknown) | undefined;
        if (!f) return Promise.reject(new Error(`fake api: ${name} has no answer`));
        return Promise.resolve().then(() => f(...args));
      };
    },
  });
  return { api, calls, set: (more) => Object.assign(answers, more) };
}

type Listener = (...args: any[]) => void;
type Answer = (payload: any) => unknown;

/**
 * The chat socket as the store uses it (on, connect, disconnect, timeout(ms).emit with an ack).
 * A client emit nobody answers fails at once, as a timed-out ack would.
 */
export class FakeSocket {
  connected = false;
  active = false;
  readonly sent: { event: string; payload: any }[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly answers = new Map<string, Answer>();

  on(event: string, fn: Listener): this {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
    return this;
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  connect(): this {
    this.connected = true;
    this.active = true;
    this.fire('connect');
    return this;
  }

  disconnect(): this {
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.fire('disconnect', 'io client disconnect');
    return this;
  }

  timeout(_ms: number) {
    return {
      emit: (event: string, payload: unknown, cb: (err: Error | null, ack?: unknown) => void) => {
        this.sent.push({ event, payload });
        const answer = this.answers.get(event);
        if (!answer) {
          queueMicrotask(() => cb(new Error('operation has timed out')));
          return;
        }
        Promise.resolve()
          .then(() => answer(payload))
          .then(
            (ack) => cb(null, ack),
            (e: Error) => cb(e),
          );
      },
    };
  }

  /** The server acks `event` with what `fn` returns (a promise holds the ack back until it settles). */
  answer(event: string, fn: Answer): this {
    this.answers.set(event, fn);
    return this;
  }

  /** The server sends `event` to this client. */
  serverSends(event: string, ...args: unknown[]): void {
    this.fire(event, ...args);
  }

  /** What the client emitted for `event`, oldest first. */
  emitted(event: string): any[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload);
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(...args);
  }
}

export interface Harness {
  store: AppStore;
  socket: FakeSocket;
  api: ReturnType<typeof fakeApi>;
  route: () => Route;
  navigate(path: string, opts?: { replace?: boolean }): void;
  setOnline(online: boolean): void;
  storage: Map<string, string>;
}

/** A real store over fakes; the test disposes of it with `store.live.stop(); store.dispose()`. */
export function harness(impl: Partial<Api> = {}): Harness {
  const socket = new FakeSocket();
  const api = fakeApi(impl);
  const [route, setRoute] = createSignal<Route>({ name: 'home' });
  let online = true;
  const netListeners = new Map<string, Set<() => void>>();
  const storage = new Map<string, string>();
  const navigate = (path: string) => {
    const m = /^\/c\/(.+)$/.exec(path);
    setRoute(m?.[1] ? { name: 'room', roomId: m[1] } : { name: 'home' });
  };
  const store = createAppStore({
    api: api.api,
    connect: () => socket as unknown as ChatSocket,
    network: {
      online: () => online,
      on(event, fn) {
        if (!netListeners.has(event)) netListeners.set(event, new Set());
        netListeners.get(event)!.add(fn);
        return () => netListeners.get(event)?.delete(fn);
      },
    },
    router: { route, navigate },
    storage: {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void storage.set(k, v),
      removeItem: (k) => void storage.delete(k),
    },
  });
  return {
    store,
    socket,
    api,
    route,
    navigate,
    setOnline(on) {
      online = on;
      for (const fn of [...(netListeners.get(on ? 'online' : 'offline') ?? [])]) fn();
    },
    storage,
  };
}

/** Lets pending promise callbacks (fake answers, store continuations) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Signs the harness's store in as ME (the fake api answers the login). */
export async function signIn(h: Harness): Promise<void> {
  h.api.set({
    login: async () => ({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      user: { id: ME, username: 'me', displayName: 'Me', createdAt: '2026-01-01T00:00:00.000Z' },
    }),
  });
  await h.store.session.login('me', 'secret');
}

/** Newest first, as GET /rooms/:id/messages answers. */
export function page(list: Message[], hasMore = false) {
  return { messages: [...list].sort((a, b) => b.seq - a.seq), hasMore };
}
