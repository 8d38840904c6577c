// The systems under test, behind one interface: the bare Socket.IO ceiling and the Converge chat (and
// Centrifugo, a fan-out peer, in centrifugo.ts).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { freePort } from '@converge/testing';
import { BARE_TOKEN, type ClientProtocol } from './load-protocol';
import type { TestIssuer } from '@converge/testing';
import { type ServerProcess, startServer, stopProcess } from './procs';

export interface BenchUser {
  id: string;
  username: string;
  token: string;
  rooms: string[];
}

export interface System {
  name: 'bare' | 'chat' | 'centrifugo';
  /** What its clients speak. */
  protocol: ClientProtocol;
  pods: ServerProcess[];
  newUsers(n: number, prefix: string): Promise<BenchUser[]>;
  /** A room with these members, all known before their sockets connect. */
  newRoom(members: BenchUser[], label: string): Promise<string>;
  auth(u: BenchUser): Record<string, unknown>;
  stop(): Promise<void>;
}

/** `withMetrics`: a metrics port of its own per pod (the chat serves /metrics there; the bare server has none). */
async function startPods(name: string, count: number, script: string, env: Record<string, string>, readyPath: string, nodeArgs: string[] = [], withMetrics = false) {
  const pods: ServerProcess[] = [];
  // One after the other: the first chat process runs the migrations under its advisory lock.
  for (let i = 0; i < count; i++) {
    pods.push(
      await startServer({
        name: `${name}-${'ab'[i] ?? i}`,
        script,
        port: await freePort(),
        probePort: await freePort(),
        metricsPort: withMetrics ? await freePort() : undefined,
        env,
        readyPath,
        nodeArgs,
      }),
    );
  }
  return pods;
}

export async function startBare(redisUrl: string, pods = 2): Promise<System> {
  const started = await startPods('bare', pods, join(__dirname, 'bare-server.js'), { REDIS_URL: redisUrl }, '/healthz');
  return {
    name: 'bare',
    protocol: 'socket.io',
    pods: started,
    async newUsers(n, prefix) {
      return Array.from({ length: n }, (_, i) => ({ id: randomUUID(), username: `${prefix}_${i}`, token: BARE_TOKEN, rooms: [] }));
    },
    async newRoom(members) {
      const id = randomUUID();
      for (const m of members) m.rooms.push(id);
      return id;
    },
    auth: (u) => ({ token: BARE_TOKEN, userId: u.id, rooms: u.rooms }),
    stop: async () => void (await Promise.all(started.map((p) => stopProcess(p.child)))),
  };
}

export interface ChatOptions {
  script: string;
  issuer: TestIssuer;
  env: Record<string, string>;
  /** The chat's own database: members beyond the create call's 200 are seeded there (see newRoom). */
  databaseUrl: string;
  pods?: number;
  nodeArgs?: string[];
}

export async function startChat(o: ChatOptions): Promise<System> {
  const started = await startPods('chat', o.pods ?? 2, o.script, o.env, '/readyz', o.nodeArgs, true);
  const db = new Pool({ connectionString: o.databaseUrl, max: 2 });
  let rr = 0;
  const base = () => (started[rr++ % started.length] as ServerProcess).url;
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(base() + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    name: 'chat',
    protocol: 'socket.io',
    pods: started,
    async newUsers(n, prefix) {
      return Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const id = randomUUID();
          const username = `${prefix}_${i}`;
          return { id, username, token: await o.issuer.token(id, 1800, username), rooms: [] };
        }),
      );
    },
    async newRoom(members, label) {
      const [creator, ...others] = members;
      if (!creator) throw new Error('a room needs members');
      // The contract takes at most 200 members on create (creator included), so the room and its first
      // members are made through the API. The rest go straight into the members table: POST
      // /rooms/:id/members announces room:updated to every member with one room query each, so adding
      // 800 one by one costs O(R²) queries and took over 10 minutes on this machine (setup, not what
      // fan-out measures). The chat reads a socket's rooms from that table on connect, and these members'
      // sockets connect afterwards, so they join the room like any other member.
      const first = others.slice(0, 199);
      const room = (await call('POST', '/rooms', creator.token, { name: label, memberIds: first.map((u) => u.id) })) as { id: string };
      const rest = others.slice(199).map((u) => u.id);
      if (rest.length) {
        await db.query(`INSERT INTO members (room_id, user_id, role) SELECT $1, unnest($2::uuid[]), 'member'`, [room.id, rest]);
      }
      for (const m of members) m.rooms.push(room.id);
      return room.id;
    },
    auth: (u) => ({ token: u.token }),
    stop: async () => {
      await Promise.all(started.map((p) => stopProcess(p.child)));
      await db.end();
    },
  };
}
