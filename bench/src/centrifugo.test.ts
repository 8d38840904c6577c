import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jwtVerify } from 'jose';
import { centrifugoBinary, centrifugoConfig, connectionToken } from './centrifugo';
import { centrifugoEndpoint } from './load-clients';

test('the binary is where install.sh puts it, CONVERGE_CACHE first', () => {
  assert.equal(centrifugoBinary({}, '/home/u'), '/home/u/.cache/converge/bin/centrifugo');
  assert.equal(centrifugoBinary({ CONVERGE_CACHE: '/c' }, '/home/u'), '/c/bin/centrifugo');
});

test('a node is configured in the v6 format: its port, the shared Redis engine, client publish, health', () => {
  const c = centrifugoConfig({ name: 'centrifugo-a', port: 4321, redisUrl: 'redis://127.0.0.1:7000', hmacSecret: 's3cret' }) as Record<string, any>;
  assert.deepEqual(c.http_server, { address: '127.0.0.1', port: 4321 });
  assert.deepEqual(c.engine, { type: 'redis', redis: { address: ['redis://127.0.0.1:7000'], prefix: 'bench-centrifugo' } });
  assert.equal(c.client.token.hmac_secret_key, 's3cret');
  assert.equal(c.channel.without_namespace.allow_publish_for_client, true);
  assert.equal(c.health.enabled, true);
  assert.equal(c.usage_stats.disabled, true, 'nothing leaves 127.0.0.1');
  assert.equal(c.node.name, 'centrifugo-a');
  assert.ok(!('token_hmac_secret_key' in c), 'no v5 flat keys');
});

test('the connection token is an HS256 JWT with the user as sub and its rooms as channels', async () => {
  const secret = 'a-secret-of-enough-length-for-hs256';
  const token = connectionToken(secret, 'user-1', ['room-a', 'room-b'], 4_000_000_000);
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  assert.equal(protectedHeader.alg, 'HS256');
  assert.deepEqual(payload, { sub: 'user-1', channels: ['room-a', 'room-b'], exp: 4_000_000_000 });
  await assert.rejects(jwtVerify(token, new TextEncoder().encode('another-secret-of-enough-length')));
});

test('clients connect to the WebSocket endpoint on the node HTTP port', () => {
  assert.equal(centrifugoEndpoint('http://127.0.0.1:8000'), 'ws://127.0.0.1:8000/connection/websocket');
});
