import type { AgentStatus } from '../agent/protocol';

/** What one pass saw of one instance: its pod, and its agent's answer (null: unreachable). */
export interface Observation {
  name: string;
  podExists: boolean;
  podReady: boolean;
  agent: AgentStatus | null;
}

export const isServingPrimary = (o: Observation | undefined): boolean =>
  !!o?.agent && o.agent.role === 'primary' && o.agent.state === 'running' && o.agent.ready;

export const isStreamingReplica = (o: Observation | undefined): boolean =>
  !!o?.agent && o.agent.role === 'replica' && o.agent.state === 'running' && o.agent.ready;

/** PostgreSQL LSN `X/Y` → a comparable number of bytes (BigInt: LSNs pass 2^53 on a busy server). */
export function lsnBytes(lsn: string | null | undefined): bigint {
  if (!lsn) return -1n;
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi ?? '0'}`) << 32n) + BigInt(`0x${lo ?? '0'}`);
}
