import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CpuProfile, packageOf, renderTable, selfTimeByPackage, topSelfTime } from './report';

test('a table pads columns, right-aligns numeric ones and underlines the header', () => {
  const t = renderTable(['metric', 'value', 'met'], [
    ['sends/s', '1,234', 'yes'],
    ['p99 ms', '7.5', 'NO (x)'],
  ]);
  assert.equal(
    t,
    ['metric   value  met', '-------  -----  ------', 'sends/s  1,234  yes', 'p99 ms     7.5  NO (x)'].join('\n'),
  );
});

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
// root → handler (chat) → query (pg) → writev (native); root → (idle)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('handler', 'file:///repo/services/chat/dist/src/a.js'), children: [3] },
    { id: 3, callFrame: frame('query', 'file:///repo/node_modules/pg/lib/client.js'), children: [4] },
    { id: 4, callFrame: frame('writev') },
    { id: 5, callFrame: frame('(idle)') },
  ],
  // Each sample stands for the time delta that follows it.
  samples: [2, 3, 4, 4, 5],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
  startTime: 0,
  endTime: 5000,
};

test('self time is summed per function, largest first', () => {
  const top = topSelfTime(profile, 10, '/repo/');
  assert.equal(top[0]?.name, 'writev');
  assert.equal(top[0]?.selfMs, 2);
  assert.equal(top[0]?.share, 0.4);
  assert.ok(top.some((h) => h.name === 'query pg/lib/client.js:1'));
  assert.ok(top.some((h) => h.name === 'handler services/chat/dist/src/a.js:1'));
});

test('native time can be charged to the package that called it', () => {
  const plain = Object.fromEntries(selfTimeByPackage(profile).map((h) => [h.name, h.selfMs]));
  assert.deepEqual(plain, { '(native)': 2, pg: 1, 'services/chat': 1, '(idle)': 1 });
  const charged = Object.fromEntries(selfTimeByPackage(profile, true).map((h) => [h.name, h.selfMs]));
  assert.deepEqual(charged, { pg: 3, 'services/chat': 1, '(idle)': 1 });
});

test('files are attributed to their npm package or workspace', () => {
  assert.equal(packageOf('file:///w/node_modules/@socket.io/redis-adapter/dist/index.js'), '@socket.io/redis-adapter');
  assert.equal(packageOf('file:///w/packages/runtime/node_modules/@opentelemetry/api/x.js'), '@opentelemetry/api');
  assert.equal(packageOf('file:///w/node_modules/ws/lib/sender.js'), 'ws');
  assert.equal(packageOf('file:///w/packages/runtime/dist/src/outbox.js'), 'packages/runtime');
  assert.equal(packageOf('node:net'), 'node core');
  assert.equal(packageOf('', '(garbage collector)'), '(garbage collector)');
  assert.equal(packageOf('', 'writev'), '(native)');
});
