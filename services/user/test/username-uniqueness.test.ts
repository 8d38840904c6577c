import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect } from 'nats';
import { Client } from 'pg';
import { USERS_STREAM } from '@converge/protocol';
import { waitFor } from '@converge/testing';
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
  // The relay deletes what it published: the event is in the outbox, or in the USERS stream, once.
  await waitFor('the outbox relayed', async () => {
    const r = await db.query("SELECT count(*)::int AS n FROM outbox WHERE payload->'user'->>'username' = $1", [name.toLowerCase()]);
    return r.rows[0].n === 0;
  });
  await db.end();
  assert.equal(rows[0].n, 1);
  const nc = await connect({ servers: h.nats.url });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(USERS_STREAM);
    let events = 0;
    for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(USERS_STREAM, { seq });
      const e = m.json<{ user?: { username?: string } }>();
      if (m.subject === 'users.registered' && e.user?.username === name.toLowerCase()) events++;
    }
    assert.equal(events, 1, 'one registration event, none for the losers');
  } finally {
    await nc.close();
  }
});
