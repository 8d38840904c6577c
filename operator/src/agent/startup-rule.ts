// What the agent does with its data directory when it starts, before any order: the one decision
// about roles the agent takes itself.
import type { DataKind } from './protocol';

export type StartupAction =
  /** Start postgres as a replica at once: a standby can never take writes, so it is safe to run. */
  | { action: 'start-replica' }
  /** Stay stopped until the operator orders (bootstrap/clone for empty data, start-primary/rejoin otherwise). */
  | { action: 'wait'; reason: string };

export function startupAction(kind: DataKind): StartupAction {
  switch (kind) {
    case 'replica':
      return { action: 'start-replica' };
    case 'empty':
      return { action: 'wait', reason: 'no data: waiting for bootstrap or clone' };
    case 'primary':
      // Another instance may have been promoted while this one was down: starting as primary now
      // could take writes on a second primary. The operator, which reads the cluster, decides.
      return { action: 'wait', reason: "a primary's data: waiting for start-primary or rejoin" };
  }
}
