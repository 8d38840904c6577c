import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { API_DOCUMENTS, chatOpenApiDocument, renderDocument, socketAsyncApiDocument, userOpenApiDocument } from '../src/openapi';
import { ERROR_CODES, ERROR_HTTP_STATUS } from '../src/errors';
import { repoRoot } from './repo-root';

const committed = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** Every `$ref` in `doc` points at something inside it. */
function danglingRefs(doc: object): string[] {
  const missing: string[] = [];
  const resolve = (ref: string) =>
    ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && (!x.startsWith('#/') || resolve(x) === undefined)) missing.push(x);
      else walk(x);
    }
  };
  walk(doc);
  return missing;
}

test('every committed API document is what `npm run docs -w @converge/protocol` generates now', () => {
  for (const [path, build] of Object.entries(API_DOCUMENTS)) {
    assert.equal(committed(path), renderDocument(build()), `${path} is stale: run npm run docs -w @converge/protocol`);
  }
});

test('a standard OpenAPI 3.1 validator accepts both REST documents, and every $ref resolves', async () => {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  for (const doc of [userOpenApiDocument(), chatOpenApiDocument()]) {
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.deepEqual(danglingRefs(doc), []);
  }
});

test('the validator is not a rubber stamp: a document with a response missing its description fails', async () => {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const doc = structuredClone(chatOpenApiDocument()) as unknown as { paths: Record<string, Record<string, { responses: Record<string, object> }>> };
  doc.paths['/rooms']!['get']!.responses['200'] = { content: {} };
  assert.equal((await new Validator().validate(doc as Record<string, unknown>)).valid, false);
});

test('the AsyncAPI 3.0 JSON schema accepts the socket document, and every $ref resolves', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const specs = require('@asyncapi/specs') as { schemas: Record<string, object> };
  // The AsyncAPI schema bundles its own copy of the draft-07 meta-schema; Ajv's would collide with it.
  const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(specs.schemas['3.0.0']!);
  const doc = socketAsyncApiDocument();
  assert.equal(validate(doc), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  assert.deepEqual(danglingRefs(doc), []);
  assert.equal(validate({ ...doc, operations: { bad: { action: 'publish', channel: { $ref: '#/channels/socket' } } } }), false);
});

test('the error responses name their codes, and the limited calls document 429 with Retry-After', () => {
  const user = userOpenApiDocument();
  const chat = chatOpenApiDocument();
  const responses = (d: typeof user, path: string, method: 'get' | 'post') =>
    (d.paths?.[path]?.[method]?.responses ?? {}) as Record<string, { description?: string; headers?: object }>;
  for (const [d, path] of [
    [chat, '/rooms/{id}/messages'],
    [user, '/auth/login'],
    [user, '/auth/register'],
  ] as const) {
    const r = responses(d, path, 'post')['429'];
    assert.ok(r, `${path} documents 429`);
    assert.match(r.description ?? '', /RATE_LIMITED/);
    assert.ok(r.headers && 'Retry-After' in r.headers, `${path}'s 429 has Retry-After`);
  }
  assert.equal(responses(chat, '/rooms', 'get')['429'], undefined, 'GET /rooms is not limited');
  const codesInDocs = new Set(
    [user, chat].flatMap((d) => Object.values(d.paths ?? {}).flatMap((item) => Object.values(item as object).flatMap((op) => Object.values((op as { responses: Record<string, { description?: string }> }).responses).map((r) => r.description ?? '')))).flatMap((s) => [...s.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])),
  );
  for (const code of ERROR_CODES) assert.ok(codesInDocs.has(code), `${code} appears in some documented response`);
});

test('the socket document lists every client event with its ack and every server event', () => {
  const doc = socketAsyncApiDocument();
  const ops = doc.operations as Record<string, { action: string; reply?: object; messages: { $ref: string }[] }>;
  const names = (action: string) =>
    Object.values(ops)
      .filter((o) => o.action === action)
      .map((o) => (doc.components.messages[o.messages[0]!.$ref.split('/').pop()!] as { name: string }).name)
      .sort();
  assert.deepEqual(names('receive'), ['auth:refresh', 'message:delete', 'message:edit', 'message:send', 'reaction:add', 'reaction:remove', 'room:changes', 'room:read', 'room:sync', 'typing']);
  assert.deepEqual(names('send'), ['auth:expired', 'message:new', 'message:updated', 'presence', 'room:added', 'room:read', 'room:removed', 'room:updated', 'server:shutdown', 'typing']);
  for (const o of Object.values(ops)) assert.equal(o.action === 'receive', o.reply !== undefined);
});

test('docs/API.md links every generated document and both SDLs, and its error table is the protocol’s', () => {
  const md = committed('docs/API.md');
  for (const path of [...Object.keys(API_DOCUMENTS).map((p) => p.replace(/^docs\//, '')), '../services/user/schema.graphql', '../services/chat/schema.graphql']) {
    assert.ok(md.includes(`](${path})`), `docs/API.md links ${path}`);
  }
  const table = [...md.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(table, Object.entries(ERROR_HTTP_STATUS));
});
