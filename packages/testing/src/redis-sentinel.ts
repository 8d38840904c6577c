// The Sentinel mode of the test Redis: a master, its replicas and a quorum of sentinels, each its own
// process on a free loopback port, for tests that kill the master and watch a failover.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { managed, type TestServer } from './managed-server';
import { startRedisServer } from './processes';
import { waitFor } from './ports';

export interface RedisSentinelOptions {
  /** Replicas of the master. @default 1 */
  replicas?: number;
  /** Sentinel processes; the quorum is a majority of them. @default 3 */
  sentinels?: number;
  /** @default 'converge' */
  masterName?: string;
  /** How long a silent master takes to count as down. @default 1000 */
  downAfterMs?: number;
  /** @default 5000 */
  failoverTimeoutMs?: number;
}

export interface RedisAddress {
  host: string;
  port: number;
}

export interface RedisSentinel {
  masterName: string;
  /** The master at start (after a failover it is one of the replicas that is master). */
  master: TestServer;
  replicas: TestServer[];
  sentinels: TestServer[];
  /** What a Sentinel client is given (ioredis `sentinels`). */
  sentinelAddresses: RedisAddress[];
  /** The master as the first sentinel that answers reports it. */
  currentMaster(): Promise<RedisAddress>;
  /** SIGKILLs the process the sentinels currently call master; returns its address. */
  killMaster(): Promise<RedisAddress>;
  /** Waits until every sentinel names a master other than `previous`; returns the new one. */
  waitForFailover(previous: RedisAddress, timeoutMs?: number): Promise<RedisAddress>;
  /** Stops every process by PID and removes their directories. */
  stop(): Promise<void>;
}

/** A sentinel's config file; Sentinel rewrites it as it learns, so each has its own, writable. */
export function sentinelConfig(
  port: number,
  dir: string,
  o: { masterName: string; masterPort: number; quorum: number; downAfterMs: number; failoverTimeoutMs: number },
): string {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${o.masterName} 127.0.0.1 ${o.masterPort} ${o.quorum}`,
    `sentinel down-after-milliseconds ${o.masterName} ${o.downAfterMs}`,
    `sentinel failover-timeout ${o.masterName} ${o.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${o.masterName} 1`,
    '',
  ].join('\n');
}

async function ask<T>(addr: RedisAddress, command: string, ...args: string[]): Promise<T> {
  const c = new Redis({ ...addr, lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.call(command, ...args)) as T;
  } finally {
    c.disconnect();
  }
}

async function masterSeenBy(sentinel: RedisAddress, masterName: string): Promise<RedisAddress | undefined> {
  const r = await ask<[string, string] | null>(sentinel, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
  return r ? { host: r[0], port: Number(r[1]) } : undefined;
}

export async function startRedisSentinel(opts: RedisSentinelOptions = {}): Promise<RedisSentinel> {
  const masterName = opts.masterName ?? 'converge';
  const count = opts.sentinels ?? 3;
  const started: TestServer[] = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    const master = await startRedisServer();
    started.push(master);
    const replicas: TestServer[] = [];
    for (let i = 0; i < (opts.replicas ?? 1); i++) {
      const r = await startRedisServer({ replicaOf: master.port });
      started.push(r);
      replicas.push(r);
    }
    // Sentinels find replicas through the master's INFO: start them once the replicas are linked.
    await waitFor('replicas linked to the master', async () => {
      const info = await ask<string>({ host: '127.0.0.1', port: master.port }, 'INFO', 'replication');
      return Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0) === replicas.length;
    });
    const sentinels: TestServer[] = [];
    for (let i = 0; i < count; i++) {
      const s = await managed('redis-sentinel', (p) => `redis://127.0.0.1:${p}`, (port, dir) => {
        const conf = join(dir, 'sentinel.conf');
        writeFileSync(
          conf,
          sentinelConfig(port, dir, {
            masterName,
            masterPort: master.port,
            quorum: Math.floor(count / 2) + 1,
            downAfterMs: opts.downAfterMs ?? 1000,
            failoverTimeoutMs: opts.failoverTimeoutMs ?? 5000,
          }),
        );
        return spawn('redis-server', [conf, '--sentinel'], { stdio: ['ignore', 'ignore', 'pipe'] });
      });
      started.push(s);
      sentinels.push(s);
    }
    const sentinelAddresses = sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
    const redisProcesses = [master, ...replicas];
    // Every sentinel must know the others before a failover can get a quorum.
    await waitFor('sentinels that know each other', async () => {
      for (const s of sentinelAddresses) {
        const fields = await ask<string[]>(s, 'SENTINEL', 'MASTER', masterName);
        const at = fields.indexOf('num-other-sentinels');
        if (Number(fields[at + 1]) !== count - 1) return false;
      }
      return true;
    }, 30_000, 200);

    const currentMaster = async (): Promise<RedisAddress> => {
      for (const s of sentinelAddresses) {
        const m = await masterSeenBy(s, masterName).catch(() => undefined);
        if (m) return m;
      }
      throw new Error('no sentinel answered');
    };
    return {
      masterName,
      master,
      replicas,
      sentinels,
      sentinelAddresses,
      currentMaster,
      async killMaster() {
        const m = await currentMaster();
        const proc = redisProcesses.find((p) => p.port === m.port);
        if (!proc) throw new Error(`the master :${m.port} is not a process of this set`);
        await proc.kill();
        return m;
      },
      async waitForFailover(previous, timeoutMs = 30_000) {
        let elected: RedisAddress | undefined;
        await waitFor(`a new master instead of :${previous.port}`, async () => {
          const seen = await Promise.all(sentinelAddresses.map((s) => masterSeenBy(s, masterName)));
          const ports = new Set(seen.map((m) => m?.port));
          const [only] = seen;
          if (ports.size !== 1 || !only || only.port === previous.port) return false;
          // Elected is not enough: the new master must have taken the role.
          const role = await ask<[string]>(only, 'ROLE');
          if (role[0] !== 'master') return false;
          elected = only;
          return true;
        }, timeoutMs, 200);
        return elected!;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
