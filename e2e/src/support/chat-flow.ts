// The end-to-end chat flow of every deployment the e2e tests run (the chart on the node, Compose):
// one user per endpoint registers, they share a room, each connects to its own endpoint (a chat pod,
// a chat instance, the web server's proxy), they take turns sending, and each must end up holding
// every acked message live (no sync), once and in room order.
import type { Message } from '@converge/protocol';
import { ChatClient, createRoom, registerUsers } from './chat-client';
import { type MemberView, deliveryProblems } from './delivery-check';
import { until } from './steady-load';
import { MINUTE } from './timeouts';

export interface Endpoint {
  /** Names the member in a failure (e.g. alice@podA). */
  name: string;
  /** Socket.IO base URL this member connects to. */
  url: string;
}

export interface ExchangeResult {
  acked: Message[];
  views: MemberView[];
  /** deliveryProblems(acked, views): empty when every member holds every message once, in order. */
  problems: string[];
}

export async function exchangeAcross(o: {
  /** Where accounts and the room are made (the user service, or the web server that proxies it). */
  apiUrl: string;
  /** Where the room is made when apiUrl is the user service alone (no proxy in front). @default apiUrl */
  roomsUrl?: string;
  /** The user service, for token refreshes. */
  authUrl: string;
  endpoints: readonly Endpoint[];
  rounds: number;
  label: string;
}): Promise<ExchangeResult> {
  const accounts = await registerUsers(o.apiUrl, o.label, o.endpoints.length);
  const [owner, ...others] = accounts;
  if (!owner) throw new Error('exchangeAcross: no endpoint');
  const roomId = await createRoom(o.roomsUrl ?? o.apiUrl, owner, others, o.label);
  const clients: ChatClient[] = [];
  try {
    for (const [i, e] of o.endpoints.entries()) {
      clients.push(await ChatClient.connect({ url: e.url, authUrl: o.authUrl, account: accounts[i]!, roomId, name: `${o.label}-${i}` }));
    }
    const acked: Message[] = [];
    for (let r = 0; r < o.rounds; r++) {
      for (const c of clients) acked.push((await c.send(`hello ${r}`)).message);
    }
    // Live fan-out across processes (the Redis adapter): every member holds every message without a sync.
    await until('every message pushed live to every member', MINUTE, () => clients.every((c) => c.messages.size >= acked.length));
    const views = clients.map((c, i) => ({ name: o.endpoints[i]!.name, history: c.history() }));
    return { acked, views, problems: deliveryProblems(acked, views) };
  } finally {
    for (const c of clients) c.close();
  }
}
