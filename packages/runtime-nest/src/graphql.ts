import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger, Metrics } from '@converge/runtime';
import { AppError } from '@converge/protocol';
import { isBackendUnavailable } from '@converge/runtime';
import { type GraphQLGuards, graphqlGuardPlugins } from './graphql-limits';
import { graphqlMetricsPlugin } from './graphql-metrics';

/** Finds the AppError a resolver threw, however deep GraphQL wrapped it. */
function appErrorIn(e: unknown): AppError | undefined {
  for (let cur: unknown = e, i = 0; cur && i < 5; i++) {
    if (cur instanceof AppError) return cur;
    cur = (cur as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/**
 * The contract's error codes in `extensions.code`: a domain error keeps its code and message, a
 * malformed query is VALIDATION_FAILED, anything else is masked (no internals leak) as UNAVAILABLE.
 */
export function toGraphQLError(error: unknown, logger?: Logger): GraphQLError {
  const app = appErrorIn(error);
  if (app) {
    return new GraphQLError(app.message, {
      extensions: { code: app.code, ...(app.details === undefined ? {} : { details: app.details }) },
    });
  }
  if (error instanceof GraphQLError && (!error.originalError || error.path === undefined)) {
    // Errors raised outside any resolver: a malformed query or variables of the wrong type.
    return new GraphQLError(error.message, { extensions: { code: 'VALIDATION_FAILED' } });
  }
  const original = (error as { originalError?: unknown }).originalError ?? error;
  if (isBackendUnavailable(original)) {
    return new GraphQLError('a backend is unavailable; retry later', { extensions: { code: 'UNAVAILABLE' } });
  }
  logger?.error({ err: original }, 'Unhandled GraphQL error');
  return new GraphQLError('unexpected error', { extensions: { code: 'UNAVAILABLE' } });
}

/**
 * A query refused before execution answers 400 whatever the Accept header: `spec: false` keeps yoga
 * from downgrading it to 200 for `application/json` (which GraphQL over HTTP allows, but a client
 * or a proxy's metrics should see the refusal).
 */
function refused(): { status: number; spec: boolean } {
  return { status: 400, spec: false };
}

/** Parse and validation errors: GraphQL errors raised before any resolver ran (no path, no cause). */
function refusedBeforeExecution(error: unknown): boolean {
  return error instanceof GraphQLError && error.path === undefined && !error.originalError && !appErrorIn(error);
}

function validationFailed(e: Error): GraphQLError {
  const nodes = e instanceof GraphQLError ? e.nodes : undefined;
  return new GraphQLError(e.message, { nodes, extensions: { code: 'VALIDATION_FAILED', http: refused() } });
}

/** Parse and validation errors bypass error masking; give them the contract's code too. */
const contractCodesForInvalidQueries: Plugin = {
  onParse: () => ({ result, replaceParseResult }) => {
    if (result instanceof Error) replaceParseResult(validationFailed(result));
  },
  onValidate: () => ({ result, setResult }) => {
    if (result.length) setResult(result.map(validationFailed));
  },
};

export interface GraphQLMountOptions<C extends object> {
  schema: GraphQLSchema;
  /** The path yoga answers on; mount the same handler on every alias path. */
  endpoint: string;
  context: (req: IncomingMessage) => C | Promise<C>;
  logger: Logger;
  /** Depth, alias, cost and token limits, and whether introspection is answered. */
  guards: GraphQLGuards;
  /** Serve GraphiQL to a browser that GETs the endpoint (development only). */
  graphiql?: boolean;
  /** Counts operations by root field and outcome (graphql-metrics.ts); omitted, nothing is counted. */
  metrics?: Metrics;
}

/** A graphql-yoga handler (express-compatible) with contract error codes. */
export function createGraphQLHandler<C extends object>(
  o: GraphQLMountOptions<C>,
): YogaServerInstance<{ req: IncomingMessage; res: ServerResponse }, C> {
  return createYoga<{ req: IncomingMessage; res: ServerResponse }, C>({
    schema: o.schema,
    graphqlEndpoint: o.endpoint,
    graphiql: o.graphiql ?? false,
    landingPage: false,
    // CORS is the app's (only the configured origins); yoga's own default would echo any Origin.
    cors: false,
    logging: false,
    context: ({ req }) => o.context(req),
    maskedErrors: {
      maskError: (error) => {
        const e = toGraphQLError(error, o.logger);
        // A parse error thrown by the token limit reaches the mask, not the onParse hook: 400 too.
        return refusedBeforeExecution(error) ? new GraphQLError(e.message, { extensions: { ...e.extensions, http: refused() } }) : e;
      },
    },
    plugins: [...graphqlGuardPlugins(o.guards), contractCodesForInvalidQueries, ...(o.metrics ? [graphqlMetricsPlugin(o.metrics)] : [])],
  });
}
