import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { call, type Harness, startHarness, uname } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('20 concurrent registrations of one name: exactly one 201, the rest 409, one row', async () => {
  const name = uname('race');
  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      call(h.url, 'POST', '/auth/register', { username: i % 2 ? name : name.toUpperCase(), password: `password-${i}` }),
    ),
  );
  const statuses = replies.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
  assert.equal(statuses.filter((s) => s === 409).length, 19, JSON.stringify(statuses));
  const db = new Client({ connectionString: h.db.url });
  await db.connect();
  const { rows } = await db.query('SELECT count(*)::int AS n FROM users WHERE username = $1', [name.toLowerCase()]);
  const events = await db.query("SELECT count(*)::int AS n FROM outbox WHERE subject = 'users.registered' AND payload->'user'->>'username' = $1", [name.toLowerCase()]);
  await db.end();
  assert.equal(rows[0].n, 1);
  assert.equal(events.rows[0].n, 1, 'one registration event, none for the losers');
});
