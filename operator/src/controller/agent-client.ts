import { AGENT_PORT, type AgentStatus, type OrderName } from '../agent/protocol';

/** Calls an instance's agent over HTTP with the cluster's token; null when it cannot be reached. */
export class AgentClient {
  constructor(private readonly timeoutMs = 1500) {}

  async status(address: string, token: string): Promise<AgentStatus | null> {
    try {
      const r = await fetch(`http://${address}:${AGENT_PORT}/status`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return r.ok ? ((await r.json()) as AgentStatus) : null;
    } catch {
      return null;
    }
  }

  /** Sends an order; resolves with the agent's status after it, throws with the agent's error. */
  async order(address: string, token: string, order: OrderName, body: object = {}, timeoutMs = 120_000): Promise<AgentStatus> {
    const r = await fetch(`http://${address}:${AGENT_PORT}/${order}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${order} refused by the agent (${r.status}): ${text.slice(0, 300)}`);
    return JSON.parse(text) as AgentStatus;
  }
}
