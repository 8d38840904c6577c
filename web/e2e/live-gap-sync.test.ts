// A live message lost on the way (real-time events are only a fast path): the next one arrives with a
// seq gap, and the client syncs the room from the last seq it holds instead of showing a hole. Bob's
// WebSocket runs through a Playwright route that drops one `message:new` frame; the link stays up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmedMessages, createGroup, loginViaUi, openRoom, registerAccount, send, uniqueName, useBrowserStack } from '@converge/testing/browser';

const e2e = useBrowserStack('gap');

const LOST = 'this one is lost on the way';

test('a seq gap seen live makes the client sync: the lost message appears, in order, once', { timeout: 90_000 }, async () => {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const roomId = await createGroup(e2e.webUrl, aliceAcc, 'Lossy line', [bobAcc.id]);
  const alice = await e2e.open();
  const bob = await e2e.open();

  let dropped = 0;
  let connections = 0;
  await bob.page.routeWebSocket(/\/socket\.io\//, (ws) => {
    connections++;
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      // Socket.IO event frames look like 42["message:new",{...}].
      if (dropped === 0 && typeof m === 'string' && m.startsWith('42["message:new"') && m.includes(LOST)) {
        dropped++;
        return;
      }
      ws.send(m);
    });
    ws.onClose((code, reason) => server.close({ code, reason }));
    server.onClose((code, reason) => ws.close({ code, reason }));
  });

  await loginViaUi(alice.page, aliceAcc.username);
  await loginViaUi(bob.page, bobAcc.username);
  await openRoom(alice.page, roomId);
  await openRoom(bob.page, roomId);

  await send(alice.page, 'first, arrives live');
  await bob.page.locator('[data-testid="message-text"]', { hasText: 'first, arrives live' }).waitFor({ timeout: 2000 });
  await send(alice.page, LOST);
  await alice.page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-message"]').length === 0);
  await bob.page.waitForTimeout(500);
  assert.equal(dropped, 1, 'the route dropped the live event');
  assert.equal(await bob.page.locator('[data-testid="message-text"]', { hasText: LOST }).count(), 0, 'not shown without the event');

  // The next live message is seq 3 while bob holds 1: he syncs and gets 2 as well.
  await send(alice.page, 'third, reveals the gap');
  await bob.page.locator('[data-testid="message-text"]', { hasText: LOST }).waitFor({ timeout: 2000 });
  await bob.page.locator('[data-testid="message-text"]', { hasText: 'third, reveals the gap' }).waitFor({ timeout: 2000 });
  const msgs = await confirmedMessages(bob.page);
  assert.deepEqual(
    msgs.map((m) => [m.seq, m.text]),
    [
      [1, 'first, arrives live'],
      [2, LOST],
      [3, 'third, reveals the gap'],
    ],
  );
  assert.equal(connections, 1, 'caught up over the same connection, without a reconnect');
  assert.deepEqual([...alice.errors, ...bob.errors], []);
});
