import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { managed, type TestServer } from './managed-server';

export type { TestServer } from './managed-server';

/** Its own nats-server with JetStream, on a free loopback port, storage in a temp dir; with `auth`, clients must log in. */
export function startNatsServer(opts: { auth?: { user: string; pass: string } } = {}): Promise<TestServer> {
  const auth = opts.auth ? ['--user', opts.auth.user, '--pass', opts.auth.pass] : [];
  return managed('nats', (p) => `nats://127.0.0.1:${p}`, (port, dir) =>
    spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir, ...auth], { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
}

export interface RedisServerOptions {
  /** Start as a replica of the Redis on 127.0.0.1 at this port. */
  replicaOf?: number;
  /** requirepass: clients must AUTH with it. */
  password?: string;
}

/** The redis.conf of a test Redis: loopback only, nothing persisted. */
export function redisConfig(port: number, dir: string, opts: RedisServerOptions = {}): string {
  const lines = [`port ${port}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', `dir ${dir}`];
  if (opts.replicaOf !== undefined) lines.push(`replicaof 127.0.0.1 ${opts.replicaOf}`);
  if (opts.password !== undefined) lines.push(`requirepass ${opts.password}`);
  return `${lines.join('\n')}\n`;
}

/** Its own redis-server on a free loopback port, nothing persisted (a replica with `replicaOf`). */
export function startRedisServer(opts: RedisServerOptions = {}): Promise<TestServer> {
  return managed('redis', (p) => `redis://127.0.0.1:${p}`, (port, dir) => {
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, redisConfig(port, dir, opts));
    return spawn('redis-server', [conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  });
}
