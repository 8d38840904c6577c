import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { ConfigError, parseConfig } from './config';
import { graphqlLimitsOf, httpExposureShape } from './http-exposure-config';

const schema = z.object(httpExposureShape);

test('defaults: introspection and GraphiQL off, no CORS origin, armor-sized limits', () => {
  const c = parseConfig(schema, {});
  assert.deepEqual([c.GRAPHQL_INTROSPECTION, c.GRAPHIQL, c.CORS_ORIGINS], [false, false, []]);
  assert.deepEqual(graphqlLimitsOf(c), { maxDepth: 10, maxAliases: 15, maxCost: 5000, maxTokens: 2000 });
  assert.equal(c.GRAPHQL_MAX_BODY_BYTES, 1024 * 1024);
});

test('CORS_ORIGINS takes a comma-separated list of bare origins, and refuses anything else by name', () => {
  const c = parseConfig(schema, { CORS_ORIGINS: 'https://chat.example.com, http://localhost:5173', GRAPHIQL: 'true' });
  assert.deepEqual(c.CORS_ORIGINS, ['https://chat.example.com', 'http://localhost:5173']);
  assert.equal(c.GRAPHIQL, true);
  for (const [k, v] of [['CORS_ORIGINS', '*'], ['CORS_ORIGINS', 'https://a.example/path'], ['GRAPHQL_INTROSPECTION', 'yes'], ['GRAPHQL_MAX_DEPTH', '0']]) {
    assert.throws(() => parseConfig(schema, { [k as string]: v }), (e: unknown) => e instanceof ConfigError && e.message.includes(k as string));
  }
});
