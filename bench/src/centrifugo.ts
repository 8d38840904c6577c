// Centrifugo v6 as a second fan-out ceiling: 2 nodes joined by the bench's own redis-server as their
// Redis engine (the shape of 2 socket.io pods with the redis adapter). A peer for comparison in the
// fan-out phase only (it has no memory probe and no storage). Built by `hack/tools/install.sh centrifugo`.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@converge/testing';
import { type ServerProcess, startExecutable, stopProcess } from './procs';
import type { System } from './systems';

/** Where install.sh puts the binary: `$CONVERGE_CACHE/bin/centrifugo` (default ~/.cache/converge). */
export function centrifugoBinary(env: NodeJS.ProcessEnv, home = homedir()): string {
  return join(env.CONVERGE_CACHE || join(home, '.cache/converge'), 'bin/centrifugo');
}

export interface NodeConfigOptions {
  name: string;
  port: number;
  redisUrl: string;
  hmacSecret: string;
}

/**
 * One node's configuration (Centrifugo v6's nested format: v5's flat keys such as
 * `token_hmac_secret_key` only get an "unknown key" warning in the log and do nothing). Channels without a namespace take client-side publishes
 * from any authenticated connection; subscriptions come from the connection token's `channels` claim.
 */
export function centrifugoConfig(o: NodeConfigOptions): Record<string, unknown> {
  return {
    http_server: { address: '127.0.0.1', port: o.port },
    log: { level: 'warn' },
    node: { name: o.name },
    engine: { type: 'redis', redis: { address: [o.redisUrl], prefix: 'bench-centrifugo' } },
    client: { token: { hmac_secret_key: o.hmacSecret } },
    channel: { without_namespace: { allow_publish_for_client: true } },
    health: { enabled: true },
    // Nothing the bench does needs the server API, and no process here talks beyond 127.0.0.1: usage
    // statistics are on by default and are sent to Centrifugo's authors.
    http_api: { disabled: true },
    usage_stats: { disabled: true },
    shutdown: { timeout: '5s' },
  };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** An HS256 connection JWT: `sub` is the user, `channels` the rooms it is subscribed to on the server side. */
export function connectionToken(secret: string, sub: string, channels: string[], expSeconds = Math.floor(Date.now() / 1000) + 3600): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub, channels, exp: expSeconds }));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

/** Two Centrifugo nodes on free ports (`binary --config <file>`), ready on /health; stopped by PID. */
export async function startCentrifugo(binary: string, redisUrl: string, pods = 2): Promise<System> {
  const dir = mkdtempSync(join(tmpdir(), 'converge-bench-centrifugo-'));
  const hmacSecret = randomBytes(32).toString('hex');
  const started: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((p) => stopProcess(p.child)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < pods; i++) {
      const name = `centrifugo-${'ab'[i] ?? i}`;
      const port = await freePort();
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(centrifugoConfig({ name, port, redisUrl, hmacSecret }), null, 2));
      started.push(await startExecutable({ name, command: binary, args: ['--config', file], port, readyPath: '/health' }));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    name: 'centrifugo',
    protocol: 'centrifugo',
    pods: started,
    async newUsers(n, prefix) {
      return Array.from({ length: n }, (_, i) => ({ id: randomUUID(), username: `${prefix}_${i}`, token: '', rooms: [] }));
    },
    async newRoom(members) {
      const id = randomUUID();
      for (const m of members) m.rooms.push(id);
      return id;
    },
    // Signed when the socket is specified, after its rooms are known (they are in the token).
    auth: (u) => ({ token: connectionToken(hmacSecret, u.id, u.rooms) }),
    stop,
  };
}
