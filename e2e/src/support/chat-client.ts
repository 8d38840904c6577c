// The chat client of every e2e test (the chart on the node and Compose): a user's Socket.IO connection
// (websocket transport) to one room that sends with clientMsgId and waits for acks, keeps the first
// message:new per seq, counts the server's shutdown hint, reconnects by itself (with a refreshed token
// when the old one expired) and catches up with room:sync, as the web client does. Sends that get no
// ack or UNAVAILABLE are retried with the same clientMsgId, so a retry never makes a second message.
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { ClientEvent, ServerEvent, type Message } from '@converge/protocol';
import { callOk } from '@converge/testing';
import { type Account, createGroup, registerAccount } from '@converge/testing/browser';

export type { Account };

/** `n` fresh users through the user service (or the web server's proxy) at `base`. */
export async function registerUsers(base: string, prefix: string, n: number): Promise<Account[]> {
  const tag = randomBytes(3).toString('hex');
  const out: Account[] = [];
  // One at a time: argon2 hashes on a loaded node, and a burst only queues anyway.
  for (let i = 0; i < n; i++) out.push(await registerAccount(base, `${prefix}-${tag}-${i}`.slice(0, 32), `${prefix} ${i}`));
  return out;
}

/** A group room made by `owner` with every other account as a member. */
export function createRoom(base: string, owner: Account, others: Account[], name = 'e2e room'): Promise<string> {
  return createGroup(base, owner, name, others.map((a) => a.id));
}

export interface ChatClientOptions {
  /** Where the socket connects first (a pod's address to pin it, or the Service). */
  url: string;
  /** Where it reconnects after a disconnect (the Service: the pinned pod may be gone). @default url */
  reconnectUrl?: string;
  /** The user service, for a token refresh when a reconnect is refused UNAUTHENTICATED. */
  authUrl: string;
  account: Account;
  roomId: string;
  /** Names this client's clientMsgIds. */
  name: string;
  /** How long a send waits for its ack before it is retried. @default 5000 */
  ackTimeoutMs?: number;
}

/**
 * Wait before retry `attempt` (1, 2, ...) of a send refused UNAVAILABLE or not acked: doubling from
 * 100 ms to 2 s, so a failover's outage is not hammered, and jittered so ten clients do not retry in
 * step. Pure (random in, delay out) for its test.
 */
export function retryDelayMs(attempt: number, random = Math.random()): number {
  const base = Math.min(100 * 2 ** Math.max(0, attempt - 1), 2000);
  return Math.round(base * (0.5 + random / 2));
}

export interface SendResult {
  message: Message;
  /** From the first attempt to the ack, retries and reconnects included. */
  latencyMs: number;
  attempts: number;
  ackedAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChatClient {
  /** The room as this client holds it: the first message per seq (live or synced). */
  readonly messages = new Map<number, Message>();
  /** message:new events for a seq already held (allowed by the protocol; counted, not kept). */
  duplicateEvents = 0;
  /** ServerEvent.ServerShutdown hints received (a draining pod asks its clients to move). */
  shutdownHints = 0;
  /** Successful connections after the first. */
  reconnects = 0;
  /** Send attempts after the first, over all sends (UNAVAILABLE, no ack in time, no connection). */
  retries = 0;
  /** Refusals and timeouts that led to a retry, by ack error code or `timeout`. */
  readonly retryReasons = new Map<string, number>();
  /** The addresses this client connected to, in order. */
  readonly connectedTo: string[] = [];
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private closed = false;
  private sent = 0;

  private constructor(private readonly o: ChatClientOptions) {}

  static async connect(o: ChatClientOptions): Promise<ChatClient> {
    const c = new ChatClient(o);
    await c.ensureSocket(o.url, 30_000);
    return c;
  }

  /** Sends one message, retrying with the same clientMsgId until acked (bounded by `deadlineMs`). */
  async send(body: string, deadlineMs = 60_000): Promise<SendResult> {
    const clientMsgId = `${this.o.name}-${this.sent++}`;
    const t0 = Date.now();
    let attempts = 0;
    let last = '';
    while (Date.now() - t0 < deadlineMs) {
      attempts++;
      if (attempts > 1) this.retries++;
      try {
        const s = await this.ensureSocket(this.o.reconnectUrl ?? this.o.url, deadlineMs - (Date.now() - t0));
        const ack = await s
          .timeout(this.o.ackTimeoutMs ?? 5000)
          .emitWithAck(ClientEvent.MessageSend, { roomId: this.o.roomId, body, clientMsgId });
        if (ack.ok) {
          this.hold(ack.message as Message);
          return { message: ack.message as Message, latencyMs: Date.now() - t0, attempts, ackedAt: Date.now() };
        }
        last = ack.error?.code ?? 'refused';
        // A draining pod refuses with UNAVAILABLE: reconnect (to another pod) and retry.
        if (last !== 'UNAVAILABLE' && last !== 'RATE_LIMITED') throw new Error(`send ${clientMsgId} refused: ${JSON.stringify(ack.error)}`);
        this.countRetry(last);
        // UNAVAILABLE from a draining pod: reconnect (to another pod). From a pod whose database is
        // failing over, the socket is fine: keep it, back off, and resend the same clientMsgId.
        if (last === 'UNAVAILABLE' && ack.error?.message?.includes('shutting down')) this.dropSocket();
        await sleep(last === 'RATE_LIMITED' ? 500 : retryDelayMs(attempts));
      } catch (e) {
        if (e instanceof Error && e.message.startsWith(`send ${clientMsgId} refused`)) throw e;
        last = String(e);
        this.countRetry('timeout');
        // No ack in time: the pod may be gone; a fresh connection decides.
        this.dropSocket();
        await sleep(retryDelayMs(attempts));
      }
    }
    throw new Error(`send ${clientMsgId}: no ack within ${deadlineMs} ms after ${attempts} attempts (${last})`);
  }

  /** room:sync from the highest seq held without a gap, until nothing more: the client then holds the whole room. */
  async sync(deadlineMs = 60_000): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      try {
        const s = await this.ensureSocket(this.o.reconnectUrl ?? this.o.url, deadlineMs);
        for (;;) {
          const page = await s.timeout(10_000).emitWithAck(ClientEvent.RoomSync, { roomId: this.o.roomId, afterSeq: this.contiguousSeq(), limit: 500 });
          if (!page.ok) throw new Error(`room:sync refused: ${JSON.stringify(page.error)}`);
          for (const m of page.messages as Message[]) this.hold(m);
          if (!page.hasMore) return;
        }
      } catch (e) {
        if (Date.now() - t0 > deadlineMs) throw new Error(`room:sync did not complete in ${deadlineMs} ms: ${String(e)}`);
        this.dropSocket();
        await sleep(500);
      }
    }
  }

  /** The highest seq n such that the client holds 1..n. */
  contiguousSeq(): number {
    let n = 0;
    while (this.messages.has(n + 1)) n++;
    return n;
  }

  /** The held messages in seq order. */
  history(): Message[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  close(): void {
    this.closed = true;
    this.dropSocket();
  }

  private countRetry(reason: string): void {
    this.retryReasons.set(reason, (this.retryReasons.get(reason) ?? 0) + 1);
  }

  private hold(m: Message): void {
    if (this.messages.has(m.seq)) return;
    this.messages.set(m.seq, m);
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.removeAllListeners();
    s?.close();
  }

  /** The live socket, or a new one to `url`, retried until `timeoutMs` (a pod may be restarting). */
  private ensureSocket(url: string, timeoutMs: number): Promise<Socket> {
    if (this.closed) return Promise.reject(new Error(`client ${this.o.name} is closed`));
    if (this.socket?.connected) return Promise.resolve(this.socket);
    this.connecting ??= this.connectLoop(url, timeoutMs).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectLoop(url: string, timeoutMs: number): Promise<Socket> {
    const t0 = Date.now();
    let last = '';
    while (Date.now() - t0 < Math.max(timeoutMs, 1000)) {
      try {
        const s = await this.open(url);
        if (this.connectedTo.length > 0) this.reconnects++;
        this.socket = s;
        // Catch up on what arrived while disconnected (the protocol's rule after a reconnect).
        if (this.reconnects > 0) void this.sync().catch(() => undefined);
        return s;
      } catch (e) {
        last = String(e);
        if (last.includes('UNAUTHENTICATED')) await this.refreshTokens();
        await sleep(300);
      }
    }
    throw new Error(`client ${this.o.name}: no connection to ${url} in ${timeoutMs} ms (${last})`);
  }

  private open(url: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = io(url, {
        path: '/socket.io/',
        auth: { token: this.o.account.accessToken },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 10_000,
      });
      s.on(ServerEvent.MessageNew, (m: Message) => {
        if (m.roomId !== this.o.roomId) return;
        if (this.messages.has(m.seq)) this.duplicateEvents++;
        else this.hold(m);
      });
      s.on(ServerEvent.ServerShutdown, () => {
        this.shutdownHints++;
      });
      s.on('disconnect', () => {
        if (this.socket === s) this.socket = undefined;
      });
      s.once('connect', () => {
        s.off('connect_error');
        this.connectedTo.push(url);
        resolve(s);
      });
      s.once('connect_error', (e) => {
        s.removeAllListeners();
        s.close();
        reject(e);
      });
    });
  }

  private async refreshTokens(): Promise<void> {
    const pair = await callOk<{ accessToken: string; refreshToken: string }>(this.o.authUrl, 'POST', '/auth/refresh', {
      refreshToken: this.o.account.refreshToken,
    });
    this.o.account.accessToken = pair.accessToken;
    this.o.account.refreshToken = pair.refreshToken;
  }
}
