// Accounts, rooms and messages made through the web server's proxy, for seeding data and checking what
// the services stored (the browser is for what a user sees).
import { randomUUID } from 'node:crypto';
import { callAs, callOk as call } from '../rest-client';
import { PASSWORD } from './browser';

/** A user's tokens; access tokens live 10 s in the e2e stacks, so calls refresh them (callAs). */
export interface Account {
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

export async function registerAccount(base: string, username: string, displayName: string): Promise<Account> {
  const r = await call<{ user: { id: string }; accessToken: string; refreshToken: string }>(base, 'POST', '/auth/register', {
    username,
    password: PASSWORD,
    displayName,
  });
  return { id: r.user.id, username, accessToken: r.accessToken, refreshToken: r.refreshToken };
}

export async function loginAccount(base: string, username: string): Promise<Account> {
  const r = await call<{ user: { id: string }; accessToken: string; refreshToken: string }>(base, 'POST', '/auth/login', {
    username,
    password: PASSWORD,
  });
  return { id: r.user.id, username, accessToken: r.accessToken, refreshToken: r.refreshToken };
}

export async function createGroup(base: string, a: Account, name: string, memberIds: string[]): Promise<string> {
  const room = await callAs<{ id: string }>(base, a, 'POST', '/rooms', { name, memberIds });
  return room.id;
}

export async function createDirect(base: string, a: Account, withUserId: string): Promise<string> {
  const room = await callAs<{ id: string }>(base, a, 'POST', '/rooms', { directWith: withUserId });
  return room.id;
}

export async function postMessage(base: string, a: Account, roomId: string, body: string): Promise<{ seq: number }> {
  return callAs(base, a, 'POST', `/rooms/${roomId}/messages`, { body, clientMsgId: randomUUID() });
}

export interface StoredMessage {
  seq: number;
  body: string | null;
  clientMsgId: string;
  senderId: string;
}

/** Every message of a room, oldest first (paged by `after`). */
export async function allMessages(base: string, a: Account, roomId: string): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  for (;;) {
    const after = out[out.length - 1]?.seq ?? 0;
    const page = await callAs<{ messages: StoredMessage[]; hasMore: boolean }>(base, a, 'GET', `/rooms/${roomId}/messages?after=${after}&limit=200`);
    out.push(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return out;
  }
}
