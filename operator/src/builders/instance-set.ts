import { instanceName, serialOf } from './names';

export interface InstancePlan {
  /** Instances to create (new serials, lowest free first). */
  create: string[];
  /** Instances to remove on scale-down: highest serials first, never the primary or the switchover target. */
  remove: string[];
}

/**
 * Which instances a cluster should have, from the ones that exist (their claims: the data decides an
 * instance exists) and the spec's count. Pure, so scale-up and scale-down are unit-tested.
 */
export function planInstances(cluster: string, existing: string[], want: number, keep: (string | undefined)[]): InstancePlan {
  const serials = existing.map((e) => serialOf(cluster, e)).filter((s): s is number => s !== null).sort((a, b) => a - b);
  const create: string[] = [];
  const remove: string[] = [];
  if (serials.length < want) {
    for (let s = 1; serials.length + create.length < want; s++) {
      if (!serials.includes(s)) create.push(instanceName(cluster, s));
    }
  } else if (serials.length > want) {
    const removable = [...serials].reverse().map((s) => instanceName(cluster, s)).filter((i) => !keep.includes(i));
    remove.push(...removable.slice(0, serials.length - want));
  }
  return { create, remove };
}
