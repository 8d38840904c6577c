import { createAdapter } from '@socket.io/redis-adapter';
import { createRedis, type Logger, type Redis, type RedisConfig } from '@converge/runtime';
import type { ChatMetrics } from '../../chat.metrics';
import { traceBroadcasts } from './broadcast-tracing';
import { timeDeliveries } from './delivery-timing';

export interface SocketAdapterClients {
  adapter: ReturnType<typeof createAdapter>;
  pub: Redis;
  sub: Redis;
}

/** Logs the first error of an outage and the recovery, not every reconnect attempt. */
export function watchRedis(client: Redis, name: string, logger: Logger, onError?: () => void): void {
  let down = false;
  client.on('error', (err: Error) => {
    onError?.();
    if (down) return;
    down = true;
    logger.warn({ client: name, err: err.message }, 'Redis unavailable');
  });
  // A reconnect can succeed at its first try, with no error seen: the lost connection still counts.
  client.on('close', () => {
    // ioredis moves to 'end' right after 'close' when the process itself disconnected (shutdown).
    setImmediate(() => {
      if (down || client.status === 'end') return;
      down = true;
      logger.warn({ client: name }, 'Redis connection lost');
    });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ client: name }, 'Redis available again');
  });
}

/**
 * The Socket.IO Redis adapter over ioredis (plain or Sentinel, from the runtime's config), made
 * safe for outages: the adapter publishes without awaiting, so a rejected publish would be an
 * unhandled rejection. Publishes fail fast while Redis is down (no offline queue: a stale backlog
 * is worth nothing, clients catch up by room:sync) and their failure is swallowed; the subscriber
 * waits for Redis however long it takes and resubscribes when it is back. Dropped publishes and
 * client errors are counted (chat_redis_adapter_errors_total), and every message:new delivery is
 * counted and timed from the sender's commit (delivery-timing.ts); a broadcast inside a trace is a
 * span of it (broadcast-tracing.ts).
 */
export function createSocketAdapter(config: RedisConfig, logger: Logger, metrics: ChatMetrics): SocketAdapterClients {
  const pub = createRedis(config, { enableOfflineQueue: false });
  const sub = createRedis(config, { maxRetriesPerRequest: null });
  const publish = pub.publish.bind(pub) as (channel: string, message: string | Buffer) => Promise<number>;
  (pub as unknown as { publish: typeof publish }).publish = (channel, message) => publish(channel, message).catch(() => {
      metrics.adapterErrors.inc({ op: 'publish' });
      return 0;
    });
  const clientError = () => metrics.adapterErrors.inc({ op: 'client' });
  watchRedis(pub, 'socket.io-pub', logger, clientError);
  watchRedis(sub, 'socket.io-sub', logger, clientError);
  const timed = timeDeliveries(createAdapter(pub, sub, { key: 'converge-chat' }), (path, seconds, sockets) => {
    metrics.fanoutDeliveries.inc(sockets);
    // One observation per socket written, as before: the SLO counts deliveries, not broadcasts.
    for (let i = 0; i < sockets; i++) metrics.deliveryLatency.observe({ path }, seconds);
  });
  const adapter = traceBroadcasts(timed);
  return { adapter, pub, sub };
}
