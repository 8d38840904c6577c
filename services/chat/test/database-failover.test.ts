// The chat service while its PostgreSQL fails over, simulated on the machine's PostgreSQL through a
// loopback proxy (the `-rw` Service): first every connection is cut and new ones refused (the
// primary died), then connections land on a read-only server (the old primary, or a replica, behind
// the Service for a moment). The service must answer UNAVAILABLE, leave and rejoin readiness by
// itself, and every retried send must be stored exactly once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { PG_ADMIN_URL, startTcpProxy, type TcpProxy, viaProxy, waitFor } from '@converge/testing';
import { type ChatProcess, type Cluster, connect, emit, rest, startCluster, type User, user } from './harness';

let c: Cluster;
let proxy: TcpProxy;
let pod: ChatProcess;
/** Set when the file ends, so a failed test leaves no sender retrying forever. */
let stopped = false;

before(async () => {
  c = await startCluster();
  const target = new URL(c.db.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  pod = await c.spawn({ DATABASE_URL: viaProxy(c.db.url, proxy) });
});
after(async () => {
  stopped = true;
  await c.close();
  await proxy.close();
});

/** A session of its own on `url`: the test database, or the admin one (the test database may be read-only). */
async function session<T>(url: string, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

const ready = async () => (await fetch(`${pod.url}/readyz`)).status;

/** What the load saw: acks, and every refusal by phase and code. */
interface Seen {
  acked: Map<string, Message>;
  refusals: Map<string, number>;
  retries: number;
}

/**
 * One client: sends `n` messages in order; a send refused UNAVAILABLE, or not acked in time, is
 * retried with the same clientMsgId after a short backoff, as the e2e client does.
 */
async function sendAll(s: Socket, roomId: string, name: string, n: number, seen: Seen, phase: () => string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const clientMsgId = `${name}-${i}`;
    const deadline = Date.now() + 120_000;
    for (let attempt = 0; ; attempt++) {
      if (stopped || Date.now() > deadline) throw new Error(`send ${clientMsgId}: not acked after ${attempt} attempts`);
      if (attempt > 0) seen.retries++;
      let ack: { ok: boolean; message?: Message; error?: { code: string } };
      try {
        ack = await emit(s, 'message:send', { roomId, body: `${name} ${i}`, clientMsgId }, 8000);
      } catch {
        const key = `${phase()}:timeout`;
        seen.refusals.set(key, (seen.refusals.get(key) ?? 0) + 1);
        continue;
      }
      if (ack.ok) {
        seen.acked.set(clientMsgId, ack.message as Message);
        break;
      }
      const key = `${phase()}:${ack.error?.code ?? 'none'}`;
      seen.refusals.set(key, (seen.refusals.get(key) ?? 0) + 1);
      if (ack.error?.code !== 'UNAVAILABLE') throw new Error(`send ${clientMsgId} refused: ${JSON.stringify(ack.error)}`);
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('PostgreSQL cut, then read-only, under 10 senders: UNAVAILABLE meanwhile, not ready meanwhile, every retried send stored once', async (t) => {
  const users: User[] = [];
  for (let i = 0; i < 10; i++) users.push(await user(c.issuer));
  const owner = users[0] as User;
  const room = await rest(pod.url, 'POST', '/rooms', owner.token, { name: 'failover', memberIds: users.slice(1).map((u) => u.id) });
  const roomId = room.body.id as string;
  const sockets = await Promise.all(users.map((u) => connect(pod.url, u.token)));
  assert.equal(await ready(), 200);

  let phase = 'before';
  const seen: Seen = { acked: new Map(), refusals: new Map(), retries: 0 };
  const perClient = 60;
  const load = Promise.all(sockets.map((s, i) => sendAll(s, roomId, `c${i}`, perClient, seen, () => phase)));
  const refusedIn = (p: string) => seen.refusals.get(`${p}:UNAVAILABLE`) ?? 0;

  // 1. The primary dies: every connection reset, new ones refused.
  await waitFor('acks before the cut', () => seen.acked.size >= 60, 30_000);
  phase = 'cut';
  proxy.cut();
  await waitFor('sends refused UNAVAILABLE during the cut', () => refusedIn('cut') >= 10, 30_000);
  await waitFor('not ready while PostgreSQL is unreachable', async () => (await ready()) === 503, 30_000);
  // The other transports say the same: 503 with Retry-After, and GraphQL's UNAVAILABLE.
  const httpSend = await rest(pod.url, 'POST', `/rooms/${roomId}/messages`, owner.token, { body: 'rest', clientMsgId: 'rest-1' });
  assert.equal(httpSend.status, 503);
  assert.equal(httpSend.body.error.code, 'UNAVAILABLE');
  assert.equal(httpSend.headers.get('retry-after'), '1');
  const gql = await rest(pod.url, 'POST', '/graphql', owner.token, {
    query: 'mutation($r: ID!) { sendMessage(roomId: $r, body: "gql", clientMsgId: "gql-1") { seq } }',
    variables: { r: roomId },
  });
  assert.equal(gql.body.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(gql.body));

  // 2. Connections come back, but to a read-only server (a replica behind the Service for a while).
  await session(PG_ADMIN_URL, (db) => db.query(`ALTER DATABASE "${c.db.name}" SET default_transaction_read_only = on`));
  phase = 'read-only';
  proxy.restore();
  await waitFor('sends refused UNAVAILABLE by the read-only server', () => refusedIn('read-only') >= 10, 30_000);
  assert.equal(await ready(), 503, 'a read-only PostgreSQL is not ready either');

  // 3. The new primary takes writes. Connections opened on the "replica" stay read-only for their
  // whole session: only the pool's eviction gets the service writing again.
  await session(PG_ADMIN_URL, (db) => db.query(`ALTER DATABASE "${c.db.name}" RESET default_transaction_read_only`));
  phase = 'after';
  await waitFor('ready again by itself', async () => (await ready()) === 200, 30_000);
  await load;

  t.diagnostic(`refusals ${JSON.stringify(Object.fromEntries(seen.refusals))}, retries ${seen.retries}, acked ${seen.acked.size}`);
  assert.ok(pod.running(), 'the service never crashed');
  assert.deepEqual(
    [...seen.refusals.keys()].filter((k) => !k.endsWith(':UNAVAILABLE') && !k.endsWith(':timeout')),
    [],
    'every refusal was UNAVAILABLE (never another code)',
  );
  assert.ok(seen.retries >= 20, `sends were retried (${seen.retries})`);
  assert.equal(seen.acked.size, users.length * perClient, 'every send was acked in the end');

  const rows = await session(c.db.url, async (db) => (await db.query('SELECT seq, client_msg_id FROM messages WHERE room_id = $1 ORDER BY seq', [roomId])).rows);
  const seqs = rows.map((r: { seq: string }) => Number(r.seq));
  assert.deepEqual(seqs, Array.from({ length: rows.length }, (_, k) => k + 1), 'gap-free seq');
  const ids = rows.map((r: { client_msg_id: string }) => r.client_msg_id).filter((id: string) => /^c\d+-/.test(id));
  assert.equal(new Set(ids).size, ids.length, 'no clientMsgId stored twice');
  assert.equal(ids.length, users.length * perClient, 'every acked send stored, nothing else');
  for (const [id, m] of seen.acked) assert.equal(rows[m.seq - 1]?.client_msg_id, id, 'each ack carries the stored seq');

  // A retry after the outage (an ack lost on the way) answers the stored message, and stores nothing.
  const [firstId, firstMsg] = [...seen.acked][0] as [string, Message];
  const [clientIdx] = firstId.slice(1).split('-');
  const again = await emit(sockets[Number(clientIdx)] as Socket, 'message:send', { roomId, body: 'whatever', clientMsgId: firstId });
  assert.deepEqual([again.ok, again.message.id, again.message.seq], [true, firstMsg.id, firstMsg.seq]);
  for (const s of sockets) s.close();
});
