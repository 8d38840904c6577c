import { OpenApiGeneratorV31, type OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { nameComponent } from './component-names';
import { ERROR_HTTP_STATUS, type ErrorCode, errorBodySchema } from '../errors';

/** The OpenAPI document type the generator returns (3.1). */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export const BEARER = 'bearerAuth';

/** What the error responses of an operation name: the codes it can answer with, each with its status. */
export type ErrorCodes = readonly ErrorCode[];

const WHEN: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Malformed JSON, wrong types, lengths out of range or unknown fields',
  UNAUTHENTICATED: 'Missing, invalid or expired access token, or wrong credentials',
  FORBIDDEN: 'Authenticated, but not allowed (not the author, not an admin, a DM)',
  NOT_FOUND: 'Unknown id, or a room the caller may not know exists',
  CONFLICT: 'Already exists (a taken username, an existing membership)',
  PAYLOAD_TOO_LARGE: 'The request body is over the 64 KiB limit',
  RATE_LIMITED: 'Over a limit; retry after the Retry-After header',
  UNAVAILABLE: 'A backend is unavailable; the request may be retried',
};

/** Registers the shared parts: the error body, the bearer scheme, the responses every error status uses. */
export function registerCommon(registry: OpenAPIRegistry): void {
  nameComponent('ErrorBody', errorBodySchema);
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from the user service (EdDSA JWT, verifiable with /.well-known/jwks.json).',
  });
  registry.registerComponent('headers', 'RetryAfter', {
    description: 'Seconds after which the call may be retried.',
    schema: { type: 'integer', minimum: 1 },
  });
}

/** The error responses for `codes`, grouped by HTTP status (two codes could share one). */
export function errorResponses(codes: ErrorCodes): Record<string, ResponseConfig> {
  const out: Record<string, ResponseConfig> = {};
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes, 'UNAVAILABLE' as const]) {
    const status = ERROR_HTTP_STATUS[code];
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const retry = list.some((c) => c === 'RATE_LIMITED' || c === 'UNAVAILABLE');
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${WHEN[c]}`).join('; '),
      ...(retry ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } } : {}),
      content: { 'application/json': { schema: errorBodySchema } },
    };
  }
  return out;
}

export function jsonBody(schema: z.ZodType, description?: string): NonNullable<RouteConfig['request']>['body'] {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

export function jsonResponse(schema: z.ZodType, description: string): ResponseConfig {
  return { description, content: { 'application/json': { schema } } };
}

export const noContent: ResponseConfig = { description: 'No content' };

/** A route as the service tables describe it: every answer, success and failure, spelled out. */
export interface Route extends Omit<RouteConfig, 'responses'> {
  responses: Record<string, ResponseConfig>;
  errors: ErrorCodes;
  authenticated: boolean;
}

export function registerRoutes(registry: OpenAPIRegistry, routes: readonly Route[]): void {
  for (const { errors, authenticated, responses, ...route } of routes) {
    registry.registerPath({
      ...route,
      ...(authenticated ? { security: [{ [BEARER]: [] }] } : {}),
      responses: { ...responses, ...errorResponses(authenticated ? ['UNAUTHENTICATED', ...errors] : errors) },
    });
  }
}

export function generate(registry: OpenAPIRegistry, info: { title: string; description: string }): OpenApiDocument {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: '1', description: info.description },
    // Relative: the document describes whichever host serves it.
    servers: [{ url: '/' }],
  });
}
