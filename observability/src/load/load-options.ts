// What `make load` is asked to do: flags (or LOAD_* variables) parsed once into LoadOptions, every
// value checked, and the targets refused unless they are on this machine. Pure: argv and env in.
import { parseArgs } from 'node:util';

export interface LoadOptions {
  userUrl: string;
  chatUrls: string[];
  users: number;
  rooms: number;
  roomSize: number;
  /** message:send per second over all senders together. */
  rate: number;
  durationSec: number;
  /** Client child processes. */
  workers: number;
  bodyChars: number;
  /** Usernames are `<prefix>-<i>`: a later run with the same prefix logs the same users in again. */
  prefix: string;
  password: string;
  out: string;
  allowRemote: boolean;
}

/** Flag, its LOAD_* variable, its default, and the range it must be in. */
const NUMBERS = {
  users: { env: 'LOAD_USERS', def: 100, min: 2, max: 100_000 },
  rooms: { env: 'LOAD_ROOMS', def: 20, min: 1, max: 10_000 },
  'room-size': { env: 'LOAD_ROOM_SIZE', def: 5, min: 2, max: 200 },
  rate: { env: 'LOAD_RATE', def: 50, min: 0.1, max: 100_000 },
  duration: { env: 'LOAD_DURATION', def: 45, min: 1, max: 86_400 },
  workers: { env: 'LOAD_WORKERS', def: 2, min: 1, max: 64 },
  'body-chars': { env: 'LOAD_BODY_CHARS', def: 100, min: 40, max: 4000 },
} as const;

const STRINGS = {
  'user-url': { env: 'LOAD_USER_URL', def: 'http://127.0.0.1:3000' },
  'chat-url': { env: 'LOAD_CHAT_URL', def: 'http://127.0.0.1:3002,http://127.0.0.1:3012' },
  prefix: { env: 'LOAD_PREFIX', def: 'load' },
  password: { env: 'LOAD_PASSWORD', def: 'converge-load-test' },
  out: { env: 'LOAD_OUT', def: '.test-results/load.json' },
} as const;

export const USAGE = `usage: make load [LOAD_ARGS="..."]   or   node observability/dist/src/load/main.js [flags]
  --user-url URL      user service (default ${STRINGS['user-url'].def})
  --chat-url URL,...  chat pods, users spread over them (default ${STRINGS['chat-url'].def})
  --users N           users, each with one socket (default ${NUMBERS.users.def})
  --rooms N           group rooms (default ${NUMBERS.rooms.def})
  --room-size N       members per room, 2..200 (default ${NUMBERS['room-size'].def})
  --rate N            messages per second, all senders together (default ${NUMBERS.rate.def})
  --duration S        seconds of sending (default ${NUMBERS.duration.def})
  --workers N         client processes (default ${NUMBERS.workers.def})
  --body-chars N      message length (default ${NUMBERS['body-chars'].def})
  --prefix NAME       username prefix; users are reused by later runs (default ${STRINGS.prefix.def})
  --password P        their password (default: a fixed one, or LOAD_PASSWORD)
  --out FILE          summary JSON (default ${STRINGS.out.def})
  --allow-remote      allow targets that are not on this machine (your own cluster)
Every flag has a LOAD_* variable (LOAD_USERS, LOAD_CHAT_URL, ...); a flag wins over its variable.`;

/** A bad flag or value: the message names it, main prints it with the usage and exits 2. */
export class OptionsError extends Error {}

export function parseLoadOptions(argv: string[], env: Record<string, string | undefined> = {}): LoadOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys({ ...NUMBERS, ...STRINGS }).map((k) => [k, { type: 'string' as const }])),
        'allow-remote': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new OptionsError((e as Error).message);
  }
  if (values.help) throw new OptionsError('');
  const num = (k: keyof typeof NUMBERS): number => {
    const spec = NUMBERS[k];
    const raw = (values[k] as string | undefined) ?? env[spec.env];
    if (raw === undefined || raw === '') return spec.def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < spec.min || n > spec.max) throw new OptionsError(`--${k} (${spec.env}) must be a number from ${spec.min} to ${spec.max}, got "${raw}"`);
    if (k !== 'rate' && !Number.isInteger(n)) throw new OptionsError(`--${k} (${spec.env}) must be a whole number, got "${raw}"`);
    return n;
  };
  const str = (k: keyof typeof STRINGS): string => {
    const raw = (values[k] as string | undefined) ?? env[STRINGS[k].env];
    return raw === undefined || raw === '' ? STRINGS[k].def : raw;
  };
  const o: LoadOptions = {
    userUrl: httpUrl('--user-url', str('user-url')),
    chatUrls: str('chat-url')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean)
      .map((u) => httpUrl('--chat-url', u)),
    users: num('users'),
    rooms: num('rooms'),
    roomSize: num('room-size'),
    rate: num('rate'),
    durationSec: num('duration'),
    workers: num('workers'),
    bodyChars: num('body-chars'),
    prefix: str('prefix'),
    password: str('password'),
    out: str('out'),
    allowRemote: values['allow-remote'] === true || env.LOAD_ALLOW_REMOTE === '1' || env.LOAD_ALLOW_REMOTE === 'true',
  };
  if (o.chatUrls.length === 0) throw new OptionsError('--chat-url needs at least one URL');
  if (o.roomSize > o.users) throw new OptionsError(`--room-size (${o.roomSize}) cannot be larger than --users (${o.users})`);
  // Usernames are 3-32 characters of [a-z0-9_.-]; the longest is `<prefix>-<users-1>`.
  if (!/^[a-z0-9_.-]+$/.test(o.prefix) || `${o.prefix}-${o.users - 1}`.length > 32) {
    throw new OptionsError(`--prefix must be [a-z0-9_.-] and short enough that "${o.prefix}-${o.users - 1}" fits 32 characters`);
  }
  if (o.password.length < 8 || o.password.length > 128) throw new OptionsError('--password must be 8 to 128 characters');
  if (o.workers > o.users) o.workers = o.users;
  if (!o.allowRemote) {
    const remote = [o.userUrl, ...o.chatUrls].filter((u) => !isLoopbackUrl(u));
    if (remote.length) {
      throw new OptionsError(`refusing to load ${remote.join(', ')}: not this machine (127.0.0.0/8, ::1, localhost). Pass --allow-remote (LOAD_ALLOW_REMOTE=1) for your own cluster`);
    }
  }
  return o;
}

function httpUrl(flag: string, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new OptionsError(`${flag} must be a URL, got "${raw}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OptionsError(`${flag} must be http(s), got "${raw}"`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

/** True for a URL whose host is this machine: 127.0.0.0/8, ::1 or localhost (no DNS asked). */
export function isLoopbackUrl(raw: string): boolean {
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((x) => Number(x) <= 255);
}

/** Above this per-user send rate the chat's default limit (SEND_RATE_PER_SECOND=10) refuses sends. */
export const DEFAULT_SERVER_SEND_RATE = 10;
