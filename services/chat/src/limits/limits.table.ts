import type { LimitedAction } from '../domain/ports';

/** One budget: `points` per `durationSeconds`, plus up to `burst - points` more after a quiet spell. */
export interface Limit {
  points: number;
  durationSeconds: number;
  /** How many may go at once after a quiet period (at least `points`); the extra refills over ten durations. */
  burst: number;
}

export type LimitsTable = Record<LimitedAction, Limit>;

/**
 * The per-user limits of every costly socket event and route, counted over all pods (one row per
 * action, whichever transport it came in on: socket, REST or GraphQL). Sized for what a person does
 * by hand with room to spare; a script hits them within a second. `message:send` comes from
 * SEND_RATE_PER_SECOND / SEND_BURST, every row can be changed with RATE_LIMITS.
 */
export const DEFAULT_LIMITS: LimitsTable = {
  'message:send': { points: 10, durationSeconds: 1, burst: 20 },
  'message:edit': { points: 5, durationSeconds: 1, burst: 10 },
  'message:delete': { points: 5, durationSeconds: 1, burst: 10 },
  // Adding and removing reactions share one budget: a few clicks a second, a picker's burst.
  reaction: { points: 5, durationSeconds: 1, burst: 20 },
  // Read markers follow scrolling.
  'room:read': { points: 10, durationSeconds: 1, burst: 20 },
  // A reconnect syncs every room at once (the web client does): a user in 200 rooms is not held up.
  // room:changes counts here too: it is the same catch-up, by rev.
  'room:sync': { points: 20, durationSeconds: 1, burst: 200 },
  // Clients send typing a few times a second at most; what reaches others is coalesced besides.
  typing: { points: 5, durationSeconds: 1, burst: 10 },
  'room:create': { points: 10, durationSeconds: 60, burst: 10 },
  // Adding and removing members (and leaving) share one budget.
  'room:members': { points: 30, durationSeconds: 60, burst: 30 },
  // The public directory is searched as one types: a few reads a second.
  'room:directory': { points: 10, durationSeconds: 1, burst: 20 },
};

export const LIMITED_ACTIONS = Object.keys(DEFAULT_LIMITS) as LimitedAction[];

const ENTRY = /^([a-z:*]+)=(\d+)\/(\d+)(?:\/(\d+))?$/;

/**
 * Parses RATE_LIMITS: comma-separated `action=points/seconds[/burst]`, `*` for every action
 * (`*=100000/1` switches them off in load tests). Later entries win; the burst defaults to the points.
 * Throws a message naming the entry it cannot read.
 */
export function parseLimitOverrides(text: string): Partial<LimitsTable> {
  const out: Partial<LimitsTable> = {};
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = ENTRY.exec(entry);
    if (!m) throw new Error(`RATE_LIMITS: "${entry}" is not action=points/seconds[/burst]`);
    const [, name = '', p = '', d = '', b] = m;
    const points = Number(p);
    const durationSeconds = Number(d);
    const burst = b === undefined ? points : Number(b);
    if (points < 1 || durationSeconds < 1 || burst < points) {
      throw new Error(`RATE_LIMITS: "${entry}" needs points >= 1, seconds >= 1 and burst >= points`);
    }
    const names = name === '*' ? LIMITED_ACTIONS : [name as LimitedAction];
    if (name !== '*' && !LIMITED_ACTIONS.includes(name as LimitedAction)) {
      throw new Error(`RATE_LIMITS: unknown action "${name}" (one of ${LIMITED_ACTIONS.join(', ')}, or *)`);
    }
    for (const n of names) out[n] = { points, durationSeconds, burst };
  }
  return out;
}

/** The table in force: the defaults, the send rate of its own variables, then RATE_LIMITS on top. */
export function resolveLimits(send: { perSecond: number; burst: number }, overrides: Partial<LimitsTable>): LimitsTable {
  return {
    ...DEFAULT_LIMITS,
    'message:send': { points: send.perSecond, durationSeconds: 1, burst: Math.max(send.burst, send.perSecond) },
    ...overrides,
  };
}
