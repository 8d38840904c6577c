import { createServer } from 'node:http';
import { hostname } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { HealthRegistry, createLogger, createMetrics, metricsHandler, probeHandlers } from '@converge/runtime';
import { Controller } from './controller/controller';
import { LeaderElector } from './controller/leader-election';
import { operatorMetrics } from './controller/operator-metrics';

// The operator process: leader election on a Lease, then the controller; /metrics, /healthz and
// /readyz on METRICS_PORT; SIGTERM stops reconciling, releases the Lease and exits.

const env = process.env;
const log = createLogger('converge-operator', env.LOG_LEVEL ?? 'info');
const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const namespace = env.WATCH_NAMESPACE || env.POD_NAMESPACE || kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
const identity = env.POD_NAME || `${hostname()}-${process.pid}`;
const metrics = createMetrics('converge-operator');
const om = operatorMetrics(metrics);
const controller = new Controller({
  kc,
  namespace,
  log,
  metrics: om,
  defaults: { image: env.POSTGRES_IMAGE || 'converge-local/postgres:15' },
  redisDefaults: { image: env.REDIS_IMAGE || 'converge-local/redis:7' },
  pollMs: Number(env.POLL_MS || 1000),
});

const health = new HealthRegistry();
const { healthz, readyz } = probeHandlers(health);
const scrape = metricsHandler(metrics);
const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/metrics') return scrape(req, res);
  if (path === '/healthz') return healthz(req, res);
  if (path === '/readyz') return readyz(req, res);
  res.writeHead(404).end();
});
server.listen(Number(env.METRICS_PORT || 8080), env.METRICS_HOST || '0.0.0.0');

const elector = new LeaderElector(kc.makeApiClient(k8s.CoordinationV1Api), namespace, env.LEASE_NAME || 'converge-operator', identity, { durationSeconds: Number(env.LEASE_SECONDS || 15), renewEverySeconds: Number(env.LEASE_RENEW_SECONDS || 5) }, {
  started: () => {
    om.leader.set(1);
    log.info({ identity, namespace }, 'leading: reconciling');
    controller.start();
  },
  lost: (why) => {
    om.leader.set(0);
    // Exit rather than try to stop every pass in flight: the restarted process is a clean follower.
    log.error({ identity, why }, 'lost the lease: exiting');
    process.exit(1);
  },
  log: (msg, extra) => log.info(extra ?? {}, msg),
});
elector.start();
log.info({ identity, namespace }, 'operator started: waiting for the lease');

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining');
  await controller.stop();
  await elector.stop();
  server.close();
  om.leader.set(0);
  log.info({}, 'stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
