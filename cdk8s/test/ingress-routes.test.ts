import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROUTES } from '@converge/protocol';
import { find, renderChart } from './support/helm';
import { ingressServiceFor, type IngressPath } from './support/ingress-match';
import { REPO } from './support/paths';

// The web server's compiled proxy (`make build` writes web/dist-server), so the comparison is with
// what the browser's same-origin requests really hit in `make dev`, not with a copy of its rules.
const PROXY = join(REPO, 'web', 'dist-server', 'proxy.js');
const service = { user: 'conv-user', chat: 'conv-chat' } as const;

function renderedPaths(): IngressPath[] {
  return find(renderChart(), 'Ingress', 'conv-ingress').spec.rules[0].http.paths as IngressPath[];
}

test('every path the web server proxies reaches the same service through the rendered Ingress; the rest reaches web', () => {
  assert.ok(existsSync(PROXY), `${PROXY} is missing: run make build`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { upstreamFor } = require(PROXY) as { upstreamFor(url: string): 'user' | 'chat' | null };
  const paths = renderedPaths();
  const urls = [
    ...ROUTES.flatMap((r) => [r.prefix, `${r.prefix}/`, `${r.prefix}/x/y?q=1`, `${r.prefix}x`]),
    '/graphql?query=%7B__typename%7D',
    '/socket.io/?EIO=4&transport=websocket',
    '/rooms/0b6f/messages?before=10',
    '/',
    '/login',
    '/c/3f1e2d4c-0000-4000-8000-000000000000',
    '/assets/index.js',
    '/user',
    '/chat',
  ];
  let proxied = 0;
  for (const url of urls) {
    const upstream = upstreamFor(url);
    if (upstream) proxied++;
    assert.equal(ingressServiceFor(paths, url), upstream ? service[upstream] : 'conv-web', url);
  }
  assert.ok(proxied >= ROUTES.length * 3, `the proxy served ${proxied} of the API urls`);
});

test('/graphql reaches chat and / stays with the web app', () => {
  const paths = renderedPaths();
  assert.equal(ingressServiceFor(paths, '/graphql'), 'conv-chat');
  assert.ok(paths.some((p) => p.path === '/' && p.backend.service.name === 'conv-web'), 'the web app keeps /');
  assert.deepEqual(paths.map((p) => p.path).sort(), [...ROUTES.map((r) => r.prefix), '/'].sort());
});
