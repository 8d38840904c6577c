import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase, startNatsServer } from '@converge/testing';
import { baseEnv, call, writeKey } from './harness';
import { spawnUserService } from './process';

test('no log line contains a password, an access token or a refresh token', async () => {
  const db = await createTestDatabase('user_logs');
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'converge-user-logs-'));
  try {
    const svc = await spawnUserService({ ...baseEnv(db, nats, writeKey(dir)), LOG_LEVEL: 'trace' });
    const password = 'Sup3r-Secret-Passw0rd!';
    const reg = await call(svc.url, 'POST', '/auth/register', { username: `logs_${process.pid}`, password });
    assert.equal(reg.status, 201);
    const login = await call(svc.url, 'POST', '/auth/login', { username: `logs_${process.pid}`, password });
    const wrong = await call(svc.url, 'POST', '/auth/login', { username: `logs_${process.pid}`, password: `${password}x` });
    assert.equal(wrong.status, 401);
    const me = await call(svc.url, 'GET', '/users/me', undefined, login.body.accessToken);
    assert.equal(me.status, 200);
    const refreshed = await call(svc.url, 'POST', '/auth/refresh', { refreshToken: login.body.refreshToken });
    await call(svc.url, 'POST', '/auth/logout', { refreshToken: refreshed.body.refreshToken });
    svc.child.kill('SIGTERM');
    await svc.exited;
    const out = svc.output();
    // The service did log these requests, as JSON lines with method, route, status and a trace id...
    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLines = lines.filter((l) => l.msg === 'Request');
    assert.ok(requestLines.some((l) => l.route === '/auth/login' && l.status === 200 && typeof l.traceId === 'string'));
    assert.ok(requestLines.some((l) => l.route === '/users/me' && l.method === 'GET'));
    // ...and what happened to the account, under fixed messages with the user id.
    const userId = reg.body.user.id as string;
    assert.ok(lines.some((l) => l.msg === 'User registered' && l.userId === userId));
    assert.ok(lines.some((l) => l.msg === 'User logged in' && l.userId === userId));
    assert.ok(lines.some((l) => l.msg === 'Login refused' && l.outcome === 'bad_credentials'));
    assert.ok(lines.some((l) => l.msg === 'User logged out' && l.userId === userId));
    // ...and none of the secrets.
    const secrets = [password, reg.body.accessToken, reg.body.refreshToken, login.body.accessToken, login.body.refreshToken, refreshed.body.refreshToken];
    for (const s of secrets) assert.ok(!out.includes(s), `a secret leaked into the logs: ${s.slice(0, 12)}…`);
  } finally {
    await nats.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
