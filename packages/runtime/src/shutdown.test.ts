import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { ConnectionTracker } from './shutdown';

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A raw client that asks for a protocol upgrade and resolves with what the server first answers. */
async function upgradeClient(port: number): Promise<{ socket: Socket; first: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  const first = new Promise<string>((resolve) => {
    socket.once('data', (d: Buffer) => resolve(d.toString()));
    socket.once('close', () => resolve('closed'));
  });
  return { socket, first };
}

test('a drain leaves upgraded (WebSocket) connections to their own close hooks, past the first-request grace', async () => {
  const server = createServer();
  const tracker = new ConnectionTracker(server, 20);
  const upgraded: Socket[] = [];
  server.on('upgrade', (_req, socket: Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    upgraded.push(socket);
  });
  const port = await listen(server);
  const { socket, first } = await upgradeClient(port);
  assert.match(await first, /^HTTP\/1.1 101/);

  let ended = false;
  socket.once('end', () => (ended = true));
  tracker.startDraining();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(ended, false, 'the WebSocket is still open after the grace');
  // Its owner can still say goodbye on it (the reconnect hint), then close it.
  const goodbye = once(socket, 'data', { signal: AbortSignal.timeout(2000) });
  upgraded[0]?.end('bye');
  assert.equal(String((await goodbye)[0]), 'bye');
  socket.destroy();
  tracker.destroyAll();
  server.close();
});

test('an upgrade nobody handles is refused, as without the tracker', async () => {
  const server = createServer();
  new ConnectionTracker(server);
  const port = await listen(server);
  const { first } = await upgradeClient(port);
  assert.equal(await first, 'closed');
  server.close();
});
