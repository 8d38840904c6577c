import type { Condition } from '../api/postgres-cluster';

export type ConditionValue = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/**
 * Sets conditions keeping each one's lastTransitionTime unless its status changed, so a status that
 * did not change compares equal and is not patched.
 */
export function mergeConditions(old: Condition[] | undefined, next: ConditionValue[], now: string, generation?: number): Condition[] {
  return next.map((c) => {
    const prev = old?.find((o) => o.type === c.type);
    const lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : now;
    return { ...c, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
  });
}
