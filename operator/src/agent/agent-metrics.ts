// The agent's Prometheus metrics, on its own registry (prom-client through @converge/runtime).
import { Counter, createMetrics, Gauge, type Registry } from '@converge/runtime';
import type { AgentState, AgentStatus, OrderName, Role } from './protocol';

const STATES: AgentState[] = ['waiting', 'starting', 'running', 'fenced', 'failed'];
const ROLES: Role[] = ['primary', 'replica', 'none'];

export class AgentMetrics {
  readonly registry: Registry;
  private readonly state: Gauge<'state'>;
  private readonly role: Gauge<'role'>;
  private readonly timeline: Gauge;
  private readonly lag: Gauge<'standby'>;
  private readonly orders: Counter<'order' | 'result'>;
  readonly restarts: Counter;

  constructor() {
    this.registry = createMetrics('postgres-agent').registry;
    const registers = [this.registry];
    this.state = new Gauge({ name: 'converge_agent_state', help: 'The agent state (1 for the current one)', labelNames: ['state'], registers });
    this.role = new Gauge({ name: 'converge_agent_role', help: 'The role postgres runs in (1 for the current one)', labelNames: ['role'], registers });
    this.timeline = new Gauge({ name: 'converge_agent_timeline', help: 'PostgreSQL timeline ID', registers });
    this.lag = new Gauge({
      name: 'converge_agent_replication_lag_bytes',
      help: "On a primary: WAL bytes each standby has not replayed; on a replica (standby = itself): received but not replayed",
      labelNames: ['standby'],
      registers,
    });
    this.orders = new Counter({ name: 'converge_agent_orders_total', help: 'Orders by name and result', labelNames: ['order', 'result'], registers });
    this.restarts = new Counter({ name: 'converge_agent_postgres_restarts_total', help: 'Replica postgres restarted after dying unexpectedly', registers });
  }

  order(name: OrderName, result: 'ok' | 'conflict' | 'error'): void {
    this.orders.inc({ order: name, result });
  }

  /** Sets the gauges from a status just computed (called on every scrape). */
  update(s: AgentStatus, lags: Record<string, number>): void {
    for (const st of STATES) this.state.set({ state: st }, st === s.state ? 1 : 0);
    for (const r of ROLES) this.role.set({ role: r }, r === s.role ? 1 : 0);
    if (s.timeline !== null) this.timeline.set(s.timeline);
    this.lag.reset();
    for (const [standby, bytes] of Object.entries(lags)) this.lag.set({ standby }, bytes);
  }
}
