// The users and rooms of a run, through the public REST API: each user logs in, or registers the
// first time; each room is found among its creator's rooms by name, or made. So runs with the same
// options reuse what the first one made (the user service allows few registrations per IP an hour).
import { call, callOk } from '@converge/testing';
import type { LoadPlan } from './load-plan';

export interface LoadAccount {
  id: string;
  username: string;
  token: string;
}

interface AuthReply {
  user: { id: string };
  accessToken: string;
}

/** A refusal the person running `make load` can act on. */
export class SetupError extends Error {}

export async function loginOrRegister(userUrl: string, username: string, password: string): Promise<LoadAccount> {
  const login = await call(userUrl, 'POST', '/auth/login', { username, password });
  if (login.status === 200) return { id: login.body.user.id, username, token: login.body.accessToken };
  if (login.status !== 401) throw new SetupError(`POST /auth/login for ${username} answered ${login.status}: ${JSON.stringify(login.body)}`);
  const reg = await call(userUrl, 'POST', '/auth/register', { username, password, displayName: username });
  if (reg.status === 201) {
    const r = reg.body as AuthReply;
    return { id: r.user.id, username, token: r.accessToken };
  }
  if (reg.status === 429) {
    throw new SetupError(
      `the user service refused to register ${username} (429 RATE_LIMITED, retry after ${reg.headers.get('retry-after') ?? '?'} s): it allows REGISTER_MAX_PER_IP registrations per IP per window. ` +
        'make dev raises it for this; otherwise raise it, use fewer --users, or keep the same --prefix so later runs log the same users in',
    );
  }
  if (reg.status === 409) throw new SetupError(`${username} exists with another password: pass its --password, or another --prefix`);
  throw new SetupError(`POST /auth/register for ${username} answered ${reg.status}: ${JSON.stringify(reg.body)}`);
}

async function inLanes<T>(n: number, lanes: number, each: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await each(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, n) }, lane));
  return out;
}

/** Every planned user logged in (4 at a time: each login is an argon2 verification on the server). */
export function setUpUsers(userUrl: string, plan: LoadPlan, password: string): Promise<LoadAccount[]> {
  return inLanes(plan.users.length, 4, (i) => loginOrRegister(userUrl, (plan.users[i] as LoadPlan['users'][number]).username, password));
}

interface RoomReply {
  id: string;
  name: string;
  members: Array<{ userId: string }>;
}

/** The id of every planned room: an existing one of its creator with that name and those members, or a new one. */
export async function setUpRooms(chatUrl: string, plan: LoadPlan, accounts: LoadAccount[]): Promise<string[]> {
  const byCreator = new Map<number, RoomReply[]>();
  const ids: string[] = [];
  for (const room of plan.rooms) {
    const [creatorIndex, ...others] = room.members;
    const creator = accounts[creatorIndex as number] as LoadAccount;
    const memberIds = others.map((i) => (accounts[i] as LoadAccount).id);
    let mine = byCreator.get(creatorIndex as number);
    if (!mine) {
      mine = (await callOk<{ rooms: RoomReply[] }>(chatUrl, 'GET', '/rooms', undefined, creator.token)).rooms;
      byCreator.set(creatorIndex as number, mine);
    }
    const found = mine.find((r) => r.name === room.name && memberIds.every((id) => r.members.some((m) => m.userId === id)));
    ids.push(found ? found.id : (await callOk<RoomReply>(chatUrl, 'POST', '/rooms', { name: room.name, memberIds }, creator.token)).id);
  }
  return ids;
}
