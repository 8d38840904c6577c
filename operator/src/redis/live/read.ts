import type { RedisObservation, SentinelMonitor, SentinelObservation } from '../agreement/observation';
import { type Target, pairs, parseInfo, withConnection } from './connection';

/** A Redis pod's INFO replication and key count; unreachable when it does not answer. */
export async function readRedis(t: Target & { addresses: string[] }, password: string | undefined): Promise<RedisObservation> {
  try {
    return await withConnection(t, password, async (c) => {
      const info = parseInfo(String(await c.call('INFO', 'replication')));
      const keys = Number(await c.call('DBSIZE'));
      const role = info.role === 'slave' ? 'replica' : 'master';
      const obs: RedisObservation = {
        name: t.name,
        addresses: t.addresses,
        reachable: true,
        info: {
          role,
          offset: Number(role === 'replica' ? (info.slave_repl_offset ?? 0) : (info.master_repl_offset ?? 0)),
          keys,
        },
      };
      if (role === 'replica') {
        obs.info!.masterHost = info.master_host;
        obs.info!.masterPort = Number(info.master_port);
        obs.info!.linkUp = info.master_link_status === 'up';
      }
      return obs;
    });
  } catch {
    return { name: t.name, addresses: t.addresses, reachable: false };
  }
}

/** One Sentinel's view of `masterName` (SENTINEL MASTERS); no monitor when it watches nothing by that name. */
export async function readSentinel(t: Target, password: string | undefined, masterName: string): Promise<SentinelObservation> {
  try {
    return await withConnection(t, password, async (c) => {
      const masters = (await c.call('SENTINEL', 'MASTERS')) as unknown[];
      const m = masters.map(pairs).find((x) => x.name === masterName);
      if (!m) return { name: t.name, reachable: true };
      const flags = (m.flags ?? '').split(',');
      const monitor: SentinelMonitor = {
        host: m.ip ?? '',
        port: Number(m.port),
        configEpoch: Number(m['config-epoch'] ?? 0),
        failoverInProgress: flags.includes('failover_in_progress') || (m['failover-state'] !== undefined && m['failover-state'] !== 'none'),
        masterDown: flags.includes('s_down') || flags.includes('o_down'),
        knownReplicas: Number(m['num-slaves'] ?? 0),
        knownSentinels: Number(m['num-other-sentinels'] ?? 0),
        quorum: Number(m.quorum ?? 0),
        downAfterMs: Number(m['down-after-milliseconds'] ?? 0),
        failoverTimeoutMs: Number(m['failover-timeout'] ?? 0),
      };
      return { name: t.name, reachable: true, monitor };
    });
  } catch {
    return { name: t.name, reachable: false };
  }
}
