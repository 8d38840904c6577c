import { type DocumentNode, type ExecutionResult, getOperationAST, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codeLabel, type Metrics } from '@converge/runtime';

/**
 * What an operation is called on a dashboard: its type and first root field. The root field is one of
 * the schema's (bounded); the client's operation name is not, so it never becomes a label.
 */
export function operationLabels(document: DocumentNode, operationName?: string | null): { type: string; field: string } {
  const op = getOperationAST(document, operationName ?? undefined);
  if (!op) return { type: 'unknown', field: 'unknown' };
  const first = op.selectionSet.selections.find((s) => s.kind === 'Field');
  return { type: op.operation, field: first && first.kind === 'Field' ? first.name.value : 'unknown' };
}

/**
 * ok, or the contract code of the first error: in extensions.code once masked, else on the AppError
 * a resolver threw (this plugin may see the result before the mask does).
 */
export function outcomeOf(errors: readonly GraphQLError[] | undefined): string {
  const first = errors?.[0];
  if (!first) return 'ok';
  return codeLabel(first.extensions?.code ?? (first.originalError as { code?: unknown } | undefined)?.code);
}

/**
 * Counts every GraphQL operation by type, root field and outcome (`converge_graphql_operations_total`),
 * and each refused one in `converge_requests_rejected_total{transport="graphql"}`. A query refused at
 * parse or validation never reaches execution: it counts as field `invalid`.
 */
export function graphqlMetricsPlugin(m: Metrics): Plugin {
  const count = (type: string, field: string, outcome: string) => {
    m.graphqlOperations.inc({ type, field, outcome });
    if (outcome !== 'ok') m.rejected.inc({ transport: 'graphql', code: outcome });
  };
  return {
    onParse: () => ({ result }) => {
      if (result instanceof Error) count('unknown', 'invalid', 'VALIDATION_FAILED');
    },
    onValidate: ({ params }) => ({ result }) => {
      if (result.length) count(operationLabels(params.documentAST).type, 'invalid', 'VALIDATION_FAILED');
    },
    onExecute: ({ args }) => {
      const { type, field } = operationLabels(args.document, args.operationName);
      return {
        onExecuteDone: ({ result }) => {
          // Incremental delivery (@defer/@stream) is not enabled: a result is a single value.
          if (Symbol.asyncIterator in result) return count(type, field, 'ok');
          count(type, field, outcomeOf((result as ExecutionResult).errors));
        },
      };
    },
    onSubscribe: ({ args }) => {
      const { type, field } = operationLabels(args.document, args.operationName);
      return {
        onSubscribeResult: ({ result }) => {
          count(type, field, Symbol.asyncIterator in result ? 'ok' : outcomeOf((result as ExecutionResult).errors));
        },
        onSubscribeError: ({ error }) => count(type, field, codeLabel((error as { extensions?: { code?: unknown } }).extensions?.code)),
      };
    },
  };
}
