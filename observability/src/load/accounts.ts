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

/** A refusal the person running `make load` can act on. */
export class SetupError extends Error {}

async function login(userUrl: string, username: string, password: string): Promise<LoadAccount | undefined> {
  const r = await call(userUrl, 'POST', '/auth/login', { username, password });
  if (r.status === 200) return { id: r.body.user.id, username, token: r.body.accessToken };
  if (r.status === 401) return undefined;
  throw new SetupError(`POST /auth/login for ${username} answered ${r.status}: ${JSON.stringify(r.body)}`);
}

async function register(userUrl: string, username: string, password: string): Promise<LoadAccount | undefined> {
  const r = await call(userUrl, 'POST', '/auth/register', { username, password, displayName: username });
  if (r.status === 201) return { id: r.body.user.id, username, token: r.body.accessToken };
  if (r.status === 409) return undefined;
  if (r.status === 429) {
    throw new SetupError(
      `the user service refused to register ${username} (429 RATE_LIMITED, retry after ${r.headers.get('retry-after') ?? '?'} s): it allows REGISTER_MAX_PER_IP registrations per IP per window. ` +
        'make dev raises it for this; otherwise raise it, use fewer --users, or keep the same --prefix so later runs log the same users in',
    );
  }
  throw new SetupError(`POST /auth/register for ${username} answered ${r.status}: ${JSON.stringify(r.body)}`);
}

/**
 * The account of `username`, trying first what is likely: a login when the users were made by an
 * earlier run, else a registration. Guessing matters: a login of a user that does not exist counts
 * as a failed login from this IP (the user service blocks the IP after LOGIN_IP_MAX_FAILURES, 100
 * per 15 min), and a registration of one that does spends the per-IP registration budget.
 */
export async function account(userUrl: string, username: string, password: string, exists: boolean): Promise<LoadAccount> {
  const [first, second] = exists ? [login, register] : [register, login];
  const a = (await first(userUrl, username, password)) ?? (await second(userUrl, username, password));
  if (!a) throw new SetupError(`${username} exists with another password: pass its --password, or another --prefix`);
  return a;
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

/**
 * Every planned user logged in or registered, 4 at a time (each is an argon2 hash on the server).
 * The first user's login tells whether an earlier run with this prefix made them.
 */
export async function setUpUsers(userUrl: string, plan: LoadPlan, password: string): Promise<LoadAccount[]> {
  const name = (i: number) => (plan.users[i] as LoadPlan['users'][number]).username;
  const first = await login(userUrl, name(0), password);
  const rest = await inLanes(plan.users.length - 1, 4, (i) => account(userUrl, name(i + 1), password, first !== undefined));
  return [first ?? (await account(userUrl, name(0), password, false)), ...rest];
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
