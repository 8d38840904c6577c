/**
 * A pod's local share of one user's budget for one action: points it took from Redis ahead of use
 * (a lease) and spends without asking again, until the Redis window they were counted in ends.
 *
 * Why it is safe: every point spent locally was consumed in Redis, in the same window, before the
 * send it admits, so a user is never admitted above the limit over all pods. The error goes the
 * other way and is bounded: a lease is taken only when the last answer left at least four times its
 * size (the bucket far from empty), of at most MAX_LEASE points; what a pod leased and did not spend
 * (the user's next sends went to another pod) is lost for that window, so a user may be refused
 * early by at most MAX_LEASE - 1 points per pod per window, never more than a quarter of what was
 * left when each lease was taken. Near the limit every send asks Redis, as without leases.
 */
export interface Lease {
  /** Points taken from Redis and not spent yet. */
  left: number;
  /** When the Redis window they were counted in ends (ms since the epoch). */
  until: number;
  /** Points Redis said were left after the last take. */
  remaining: number;
}

export const MAX_LEASE = 32;

/** Spends one leased point if there is one still valid; false when Redis must be asked. */
export function spendLeased(lease: Lease | undefined, now: number): boolean {
  if (!lease || lease.left <= 0 || now >= lease.until) return false;
  lease.left--;
  return true;
}

/** How many points the next ask takes: a lease while the bucket is far from empty in this window, else 1. */
export function pointsToTake(lease: Lease | undefined, now: number): number {
  if (!lease || now >= lease.until) return 1;
  const size = Math.min(MAX_LEASE, Math.floor(lease.remaining / 4));
  return size >= 2 ? size : 1;
}

/** The lease after Redis granted `taken` points (one of them spent on the send that asked). */
export function leaseAfter(taken: number, remaining: number, msBeforeNext: number, now: number): Lease {
  return { left: taken - 1, until: now + Math.max(0, msBeforeNext), remaining: Math.max(0, remaining) };
}
