import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  authResultSchema,
  loginBodySchema,
  logoutBodySchema,
  refreshBodySchema,
  registerBodySchema,
  tokenPairSchema,
  updateMeBodySchema,
  userIdParamSchema,
  userListSchema,
  userSchema,
  userSearchQuerySchema,
} from '../auth';
import { generate, jsonBody, jsonResponse, noContent, type OpenApiDocument, registerCommon, registerRoutes, type Route } from './openapi.common';
import { nameComponent } from './component-names';

/** The public half of each verification key (RFC 7517); chat verifies access tokens with these. */
const jwkSetSchema = z.object({
  keys: z.array(
    z.looseObject({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string(),
      kid: z.string(),
      alg: z.literal('EdDSA'),
      use: z.literal('sig'),
    }),
  ),
});

const userParams = z.object({ id: userIdParamSchema });

const routes: readonly Route[] = [
  {
    method: 'post',
    path: '/auth/register',
    tags: ['auth'],
    summary: 'Create an account and sign in',
    request: { body: jsonBody(registerBodySchema) },
    responses: { 201: jsonResponse(authResultSchema, 'The new user and a token pair') },
    errors: ['VALIDATION_FAILED', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'],
    authenticated: false,
  },
  {
    method: 'post',
    path: '/auth/login',
    tags: ['auth'],
    summary: 'Sign in with username and password',
    request: { body: jsonBody(loginBodySchema) },
    responses: { 200: jsonResponse(authResultSchema, 'The user and a token pair') },
    errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'],
    authenticated: false,
  },
  {
    method: 'post',
    path: '/auth/refresh',
    tags: ['auth'],
    summary: 'Trade a refresh token for a new pair (single use; reusing a spent one revokes its family)',
    request: { body: jsonBody(refreshBodySchema) },
    responses: { 200: jsonResponse(tokenPairSchema, 'A new token pair') },
    errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'PAYLOAD_TOO_LARGE'],
    authenticated: false,
  },
  {
    method: 'post',
    path: '/auth/logout',
    tags: ['auth'],
    summary: 'Revoke a refresh token',
    request: { body: jsonBody(logoutBodySchema) },
    responses: { 204: noContent },
    errors: ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE'],
    authenticated: false,
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    tags: ['auth'],
    summary: 'The public keys that verify access tokens (the current and, during a rotation, the previous one)',
    responses: { 200: jsonResponse(jwkSetSchema, 'A JWK set') },
    errors: [],
    authenticated: false,
  },
  {
    method: 'get',
    path: '/users/me',
    tags: ['users'],
    summary: 'The caller',
    responses: { 200: jsonResponse(userSchema, 'The caller') },
    errors: [],
    authenticated: true,
  },
  {
    method: 'patch',
    path: '/users/me',
    tags: ['users'],
    summary: 'Change the caller’s display name',
    request: { body: jsonBody(updateMeBodySchema) },
    responses: { 200: jsonResponse(userSchema, 'The updated caller') },
    errors: ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE'],
    authenticated: true,
  },
  {
    method: 'delete',
    path: '/users/me',
    tags: ['users'],
    summary: 'Delete the caller’s account (they leave every room; their messages stay)',
    responses: { 204: noContent },
    errors: [],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/users/{id}',
    tags: ['users'],
    summary: 'One user',
    request: { params: userParams },
    responses: { 200: jsonResponse(userSchema, 'The user') },
    errors: ['NOT_FOUND'],
    authenticated: true,
  },
  {
    method: 'get',
    path: '/users',
    tags: ['users'],
    summary: 'Users whose username starts with `search`',
    description: 'Limited per user (SEARCH_RATE_PER_SECOND, SEARCH_BURST): over it 429 RATE_LIMITED with Retry-After.',
    request: { query: userSearchQuerySchema },
    responses: { 200: jsonResponse(userListSchema, 'Matching users') },
    errors: ['VALIDATION_FAILED', 'RATE_LIMITED'],
    authenticated: true,
  },
];

/** The user service's REST API (what it serves at GET /openapi.json). */
export function userOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registerCommon(registry);
  nameComponent('User', userSchema);
  nameComponent('AuthResult', authResultSchema);
  nameComponent('TokenPair', tokenPairSchema);
  registerRoutes(registry, routes);
  return generate(registry, {
    title: 'Converge user service',
    description:
      'Accounts, sign-in and access tokens. Errors are `{"error": {"code", "message", "details"?}}`; ' +
      'GraphQL (the same operations) is at /graphql, its SDL in services/user/schema.graphql.',
  });
}
