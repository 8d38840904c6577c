// PID 1 of every PostgreSQL pod: the instance agent (see agent.ts and protocol.ts).
import { createLogger } from '@converge/runtime';
import { Agent } from './agent';
import { createAgentServer } from './agent-http';
import { AgentMetrics } from './agent-metrics';
import { loadAgentConfig } from './config';
import { localSql } from './local-sql';
import { PgTools, postgresOsUser } from './pg-tools';

function main(): void {
  const cfg = loadAgentConfig();
  const log = createLogger('postgres-agent', cfg.logLevel).child({ instance: cfg.instance, cluster: cfg.cluster });
  const metrics = new AgentMetrics();
  const tools = new PgTools(cfg.pgBin, postgresOsUser(), cfg.tmpDir);
  const agent = new Agent(cfg, tools, localSql(cfg), log, metrics);
  let draining = false;
  const server = createAgentServer({ agent, metrics, token: cfg.token, log, draining: () => draining });
  server.listen(cfg.agentPort, cfg.agentHost, () => {
    log.info({ host: cfg.agentHost, port: cfg.agentPort }, 'Agent listening');
    void agent.init();
  });

  // SIGTERM is a drain: postgres is fast-stopped (clients cut, a clean checkpoint), then we exit 0.
  const stop = (signal: string) => {
    if (draining) return;
    draining = true;
    log.info({ signal }, 'Shutdown started');
    agent
      .shutdown()
      .then(() => {
        log.info({}, 'postgres stopped, exiting');
        server.close();
        process.exit(0);
      })
      .catch((e: unknown) => {
        log.error({ err: e }, 'Shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
