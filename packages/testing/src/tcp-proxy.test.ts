import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { startTcpProxy } from './tcp-proxy';

/** One line through the proxy and back from an echo server; rejects with the socket's error. */
async function roundTrip(port: number): Promise<{ socket: Socket; echoed: string }> {
  const socket = connect(port, '127.0.0.1');
  socket.write('ping\n');
  const [data] = (await once(socket, 'data')) as [Buffer];
  return { socket, echoed: data.toString() };
}

test('the proxy pipes, cuts every connection with a reset, refuses while cut, and pipes again after restore', async () => {
  const echo = createServer((s) => s.on('error', () => undefined).pipe(s));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
  try {
    const { socket, echoed } = await roundTrip(proxy.port);
    assert.equal(echoed, 'ping\n');
    const closed = once(socket, 'error');
    proxy.cut();
    assert.equal(((await closed)[0] as NodeJS.ErrnoException).code, 'ECONNRESET');
    await assert.rejects(roundTrip(proxy.port), { code: 'ECONNRESET' });
    proxy.restore();
    const again = await roundTrip(proxy.port);
    assert.equal(again.echoed, 'ping\n');
    again.socket.destroy();
    assert.equal(proxy.accepted, 2);
  } finally {
    await proxy.close();
    echo.close();
  }
});
