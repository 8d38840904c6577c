import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackUrl, OptionsError, parseLoadOptions } from './load-options';

test('the defaults aim at make dev: user :3000, both chat pods, about a minute', () => {
  const o = parseLoadOptions([]);
  assert.equal(o.userUrl, 'http://127.0.0.1:3000');
  assert.deepEqual(o.chatUrls, ['http://127.0.0.1:3002', 'http://127.0.0.1:3012']);
  assert.deepEqual([o.users, o.rooms, o.roomSize, o.rate, o.durationSec, o.workers], [100, 20, 5, 50, 45, 2]);
  assert.equal(o.allowRemote, false);
});

test('a flag wins over its LOAD_* variable, which wins over the default', () => {
  const o = parseLoadOptions(['--users', '30'], { LOAD_USERS: '40', LOAD_RATE: '12.5', LOAD_CHAT_URL: 'http://localhost:4000/' });
  assert.equal(o.users, 30);
  assert.equal(o.rate, 12.5);
  assert.deepEqual(o.chatUrls, ['http://localhost:4000']);
});

test('bad values are refused with a message that names the flag', () => {
  const refused = (argv: string[], re: RegExp, env = {}) => assert.throws(() => parseLoadOptions(argv, env), (e: Error) => e instanceof OptionsError && re.test(e.message));
  refused(['--users', 'many'], /--users \(LOAD_USERS\) must be a number from 2/);
  refused(['--users', '2.5'], /--users .* whole number/);
  refused(['--room-size', '1'], /--room-size/);
  refused(['--users', '3', '--room-size', '4'], /cannot be larger than --users/);
  refused(['--rate', '0'], /--rate/);
  refused(['--chat-url', 'ftp://127.0.0.1'], /--chat-url must be http/);
  refused(['--user-url', 'nope'], /--user-url must be a URL/);
  refused(['--prefix', 'Has Space'], /--prefix/);
  refused(['--bogus'], /Unknown option '--bogus'/);
  refused([], /--password/, { LOAD_PASSWORD: 'short' });
});

test('only this machine is a target unless --allow-remote is given', () => {
  assert.throws(() => parseLoadOptions(['--user-url', 'https://chat.example.com']), /refusing to load https:\/\/chat\.example\.com: not this machine/);
  assert.throws(() => parseLoadOptions([], { LOAD_CHAT_URL: 'http://127.0.0.1:3002,http://192.168.1.5:3002' }), /192\.168\.1\.5/);
  assert.equal(parseLoadOptions(['--allow-remote', '--user-url', 'https://chat.example.com']).userUrl, 'https://chat.example.com');
  assert.equal(parseLoadOptions([], { LOAD_ALLOW_REMOTE: '1', LOAD_USER_URL: 'http://10.1.2.3' }).allowRemote, true);
});

test('loopback means 127.0.0.0/8, ::1 and localhost, nothing that only looks like it', () => {
  for (const u of ['http://127.0.0.1:3000', 'http://127.1.2.3', 'http://[::1]:3002', 'http://LOCALHOST:1']) assert.equal(isLoopbackUrl(u), true, u);
  for (const u of ['http://127.0.0.1.example.com', 'http://10.0.0.1', 'http://0.0.0.0:3000', 'http://localhost.evil.com', 'http://[::2]']) assert.equal(isLoopbackUrl(u), false, u);
});
