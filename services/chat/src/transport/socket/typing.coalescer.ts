/** How often a repeated `typing: true` of one user in one room reaches the others. */
export const TYPING_COALESCE_MS = 2000;

/** Past this many remembered user+room pairs, stale ones are swept (a bound on memory, not a limit). */
const SWEEP_AT = 10_000;

/**
 * Which `typing: true` of a user in a room is passed on, per pod: the first, then at most one per
 * `windowMs` (a client repeating it on every keystroke costs the others one packet per 2 s). A
 * `typing: false` passed on clears the pair, so the next `true` (a state change) goes at once.
 */
export class TypingCoalescer {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly windowMs = TYPING_COALESCE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this `typing: true` should reach the others. */
  admit(userId: string, roomId: string): boolean {
    const key = `${userId}|${roomId}`;
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev < this.windowMs) return false;
    if (this.last.size >= SWEEP_AT) this.sweep(t);
    this.last.set(key, t);
    return true;
  }

  /** The user stopped typing in the room. */
  stopped(userId: string, roomId: string): void {
    this.last.delete(`${userId}|${roomId}`);
  }

  get size(): number {
    return this.last.size;
  }

  private sweep(t: number): void {
    for (const [k, at] of this.last) if (t - at >= this.windowMs) this.last.delete(k);
  }
}
