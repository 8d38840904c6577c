import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from '@converge/runtime';
import type { PresenceReader } from '../../domain/ports';

/**
 * Sets this pod's socket count for a user and answers the user's total over every pod.
 * Fields are `<podId>` → `<count>:<expiresAtMs>`; a field past its expiry (a crashed pod that stopped
 * its heartbeat) no longer counts and is removed on the way.
 */
const UPDATE_SCRIPT = `
local now = tonumber(ARGV[3])
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. (now + tonumber(ARGV[4])))
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local c, exp = string.match(fields[i + 1], '(%d+):(%d+)')
  if tonumber(exp) < now then redis.call('HDEL', KEYS[1], fields[i]) else total = total + tonumber(c) end
end
if total > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return total`;

/** Sums the live counts of one presence hash (what HGETALL returned). */
export function liveTotal(fields: Record<string, string>, now: number, exceptPod?: string): number {
  let total = 0;
  for (const [pod, v] of Object.entries(fields)) {
    const m = /^(\d+):(\d+)$/.exec(v);
    if (!m || pod === exceptPod || Number(m[2]) < now) continue;
    total += Number(m[1]);
  }
  return total;
}

/**
 * Who is online: a user with a socket on any pod. Each pod keeps its own counts in memory and
 * mirrors them to Redis with an expiry it refreshes by heartbeat, so the sockets of a pod that
 * crashed stop counting after `ttlMs`. Best effort: while Redis is down, presence is not updated
 * (sends are unaffected), and the next heartbeat brings Redis up to date again.
 */
export class PresenceTracker implements PresenceReader {
  readonly podId = randomUUID();
  private readonly local = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** A client that fails fast while Redis is down (no offline queue). */
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly ttlMs = 30_000,
  ) {
    this.redis.defineCommand('chatPresence', { numberOfKeys: 1, lua: UPDATE_SCRIPT });
  }

  private key(userId: string): string {
    return `chat:presence:${userId}`;
  }

  private async update(userId: string): Promise<number | undefined> {
    const count = this.local.get(userId) ?? 0;
    try {
      const r = await (this.redis as Redis & { chatPresence(k: string, ...a: (string | number)[]): Promise<number> }).chatPresence(
        this.key(userId),
        this.podId,
        count,
        Date.now(),
        this.ttlMs,
      );
      return Number(r);
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'Presence update skipped');
      return undefined;
    }
  }

  /**
   * Counts a new socket and answers the user's sockets over every pod, this one included (this pod's
   * own count while Redis cannot tell). The script is atomic, so exactly one pod sees the total become
   * 1 (the user came online), and two pods taking the last free slot at once cannot both fit.
   */
  async connected(userId: string): Promise<number> {
    this.local.set(userId, this.localCount(userId) + 1);
    return (await this.update(userId)) ?? this.localCount(userId);
  }

  localCount(userId: string): number {
    return this.local.get(userId) ?? 0;
  }

  /** Counts a closed socket; true when it was the user's last anywhere (they went offline). */
  async disconnected(userId: string): Promise<boolean> {
    const n = this.localCount(userId) - 1;
    if (n > 0) this.local.set(userId, n);
    else this.local.delete(userId);
    return (await this.update(userId)) === 0;
  }

  async online(userIds: string[]): Promise<Set<string>> {
    const result = new Set<string>();
    if (!userIds.length) return result;
    const now = Date.now();
    try {
      const p = this.redis.pipeline();
      for (const id of userIds) p.hgetall(this.key(id));
      const replies = (await p.exec()) ?? [];
      replies.forEach(([err, fields], i) => {
        const id = userIds[i];
        if (!err && id && liveTotal(fields as Record<string, string>, now) > 0) result.add(id);
      });
    } catch {
      // Redis down: this pod's own users are all it can vouch for.
      for (const id of userIds) if (this.localCount(id) > 0) result.add(id);
    }
    return result;
  }

  /** Refreshes this pod's counts (and their expiry) every third of the TTL. */
  start(): void {
    this.timer = setInterval(() => void this.beat(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
  }

  async beat(): Promise<void> {
    if (!this.local.size) return;
    const now = Date.now();
    const p = this.redis.pipeline();
    for (const [userId, count] of this.local) {
      p.hset(this.key(userId), this.podId, `${count}:${now + this.ttlMs}`);
      p.pexpire(this.key(userId), this.ttlMs);
    }
    await p.exec().catch((err: unknown) => this.logger.debug({ err: (err as Error).message }, 'Presence heartbeat skipped'));
  }

  /** On shutdown: this pod's sockets stop counting at once rather than after the TTL. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (!this.local.size) return;
    const p = this.redis.pipeline();
    for (const userId of this.local.keys()) p.hdel(this.key(userId), this.podId);
    this.local.clear();
    await p.exec().catch(() => undefined);
  }
}
