// The user service while its PostgreSQL fails over, simulated on the machine's PostgreSQL through a
// loopback proxy (the `-rw` Service): every connection cut and new ones refused (the primary died),
// then connections landing on a read-only server (a replica behind the Service for a moment). Calls
// meanwhile answer 503 UNAVAILABLE with Retry-After (never a 500), readiness leaves and comes back,
// and the service takes writes again by itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { PG_ADMIN_URL, startTcpProxy, type TcpProxy, viaProxy, waitFor } from '@converge/testing';
import { call, type Harness, register, startHarness, uname } from './harness';

let proxy: TcpProxy;
let h: Harness;
let stopped = false;
before(async () => {
  const admin = new URL(PG_ADMIN_URL);
  proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) });
  h = await startHarness({}, { databaseUrl: (url) => viaProxy(url, proxy) });
});
after(async () => {
  stopped = true;
  await h.close();
  await proxy.close();
});

async function alterDatabase(setting: 'SET default_transaction_read_only = on' | 'RESET default_transaction_read_only'): Promise<void> {
  // On the admin database: the test database's own sessions may be read-only.
  const db = new Client({ connectionString: PG_ADMIN_URL });
  await db.connect();
  await db.query(`ALTER DATABASE "${h.db.name}" ${setting}`);
  await db.end();
}

const readiness = async () => {
  const r = await call(h.url, 'GET', '/readyz');
  return { status: r.status, postgres: r.body?.details?.postgres?.status as string | undefined };
};

test('PostgreSQL cut, then read-only, under logins and registrations: 503 UNAVAILABLE meanwhile, not ready meanwhile, writes again after', async (t) => {
  const account = await register(h.url);
  let phase = 'before';
  const statuses = new Map<string, number>();
  const count = (k: string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
  let missingRetryAfter = 0;
  // Four clients: each logs in and registers, over and over, until the test ends.
  const load = Promise.all(
    Array.from({ length: 4 }, async () => {
      while (!stopped && phase !== 'done') {
        for (const r of [
          await call(h.url, 'POST', '/auth/login', { username: account.user.username, password: account.password }),
          await call(h.url, 'POST', '/auth/register', { username: uname('fo'), password: 'correct horse battery' }),
        ]) {
          count(`${phase}:${r.status}:${r.body?.error?.code ?? 'ok'}`);
          if (r.status === 503 && !r.headers.get('retry-after')) missingRetryAfter++;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }),
  );
  const seen = (p: string, status: number, code = 'UNAVAILABLE') => statuses.get(`${p}:${status}:${code}`) ?? 0;
  await waitFor('logins and registrations before the cut', () => seen('before', 200, 'ok') >= 4 && seen('before', 201, 'ok') >= 4, 30_000);

  phase = 'cut';
  proxy.cut();
  await waitFor('calls refused UNAVAILABLE during the cut', () => seen('cut', 503) >= 8, 30_000);
  await waitFor('not ready while PostgreSQL is unreachable', async () => (await readiness()).postgres === 'down', 30_000);
  const gql = await call(h.url, 'POST', '/graphql', { query: '{ me { id } }' }, account.accessToken);
  assert.equal(gql.body.errors?.[0]?.extensions?.code, 'UNAVAILABLE', JSON.stringify(gql.body));

  await alterDatabase('SET default_transaction_read_only = on');
  phase = 'read-only';
  proxy.restore();
  // Logins write too (the refresh token), so every call meets the read-only server.
  await waitFor('calls refused UNAVAILABLE by the read-only server', () => seen('read-only', 503) >= 8, 30_000);
  assert.deepEqual(await readiness(), { status: 503, postgres: 'down' }, 'a read-only PostgreSQL is not ready either');

  await alterDatabase('RESET default_transaction_read_only');
  phase = 'after';
  await waitFor('ready again by itself', async () => (await readiness()).status === 200, 30_000);
  await waitFor('registrations and logins again', () => seen('after', 201, 'ok') >= 4 && seen('after', 200, 'ok') >= 4, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
  phase = 'done';
  await load;

  t.diagnostic(`statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  const unexpected = [...statuses.keys()].filter((k) => !/:(200|201):ok$|:503:UNAVAILABLE$/.test(k));
  assert.deepEqual(unexpected, [], 'every failure was 503 UNAVAILABLE, never a 500');
  assert.equal(missingRetryAfter, 0, 'every 503 says when to retry');
  const fresh = await register(h.url);
  assert.equal((await call(h.url, 'POST', '/auth/login', { username: fresh.user.username, password: fresh.password })).status, 200);
});
