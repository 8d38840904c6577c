import { z } from 'zod';
import { intVar } from './config';

/** `true` or `false` (anything else fails at start-up, so a typo never silently leaves a flag off). */
export function boolVar(defaultValue: boolean) {
  return z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true');
}

function isBareOrigin(u: string): boolean {
  try {
    return new URL(u).origin === u;
  } catch {
    return false;
  }
}

const origin = z.string().refine(isBareOrigin, 'each origin is scheme://host[:port] (no path, no trailing slash, no *)');

/**
 * What a backend service exposes over HTTP beyond its routes: GraphQL's query limits, introspection
 * and GraphiQL, and which browser origins may call it cross-origin.
 */
export const httpExposureShape = {
  /** Introspection answers the whole schema to anyone; off in production, on in `make dev`. */
  GRAPHQL_INTROSPECTION: boolVar(false),
  /** Serves GraphiQL to a browser on /graphql (and turns introspection on); `make dev` only. */
  GRAPHIQL: boolVar(false),
  GRAPHQL_MAX_DEPTH: intVar(10, 1, 100),
  GRAPHQL_MAX_ALIASES: intVar(15, 0, 1000),
  /** graphql-armor's cost: objects 2, scalars 1, times the depth factor 1.5 per level. */
  GRAPHQL_MAX_COST: intVar(5000, 1, 1_000_000),
  /** Lexer tokens in one document: refuses a giant query before it is even parsed. */
  GRAPHQL_MAX_TOKENS: intVar(2000, 10, 1_000_000),
  /** Largest GraphQL request body of any content type (an alias bomb reaches the limits and gets a 400). */
  GRAPHQL_MAX_BODY_BYTES: intVar(1024 * 1024, 1024, 16 * 1024 * 1024),
  /** Comma-separated origins allowed cross-origin (with credentials); empty: same-origin only. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(origin)),
};

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
}

export interface HttpExposureConfig {
  GRAPHQL_INTROSPECTION: boolean;
  GRAPHIQL: boolean;
  GRAPHQL_MAX_DEPTH: number;
  GRAPHQL_MAX_ALIASES: number;
  GRAPHQL_MAX_COST: number;
  GRAPHQL_MAX_TOKENS: number;
  GRAPHQL_MAX_BODY_BYTES: number;
  CORS_ORIGINS: string[];
}

export function graphqlLimitsOf(c: HttpExposureConfig): GraphQLLimits {
  return { maxDepth: c.GRAPHQL_MAX_DEPTH, maxAliases: c.GRAPHQL_MAX_ALIASES, maxCost: c.GRAPHQL_MAX_COST, maxTokens: c.GRAPHQL_MAX_TOKENS };
}
