import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  type Source,
  specifiedRules,
  validate,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type GraphQLLimits, graphqlLimitsOf, type HttpExposureConfig } from '@converge/runtime';

/** What a GraphQL endpoint refuses before executing anything: its size limits, and introspection unless allowed. */
export interface GraphQLGuards {
  limits: GraphQLLimits;
  introspection: boolean;
}

/**
 * A refusal is reported as a validation error (not thrown, armor's default), so it reaches the
 * contract's VALIDATION_FAILED mapping and the 400 like any other invalid query.
 */
const report = { propagateOnRejection: false, onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)] };

/** graphql-armor's rules for the checks that walk the document (depth, aliases, cost). */
function armorRules(l: GraphQLLimits): ValidationRule[] {
  // Defaults kept where they matter: introspection is not counted (GraphiQL's own query is deep).
  return [
    maxDepthRule({ n: l.maxDepth, ...report }),
    // Every alias counts, `__typename` ones too (armor's default lets those through).
    maxAliasesRule({ n: l.maxAliases, allowList: [], ...report }),
    costLimitRule({ maxCost: l.maxCost, ...report }),
  ] as unknown as ValidationRule[];
}

/** The yoga/envelop plugins: tokens at parse, depth/aliases/cost at validation, introspection refused. */
export function graphqlGuardPlugins(g: GraphQLGuards): Plugin[] {
  const plugins: Plugin[] = [
    maxTokensPlugin({ n: g.limits.maxTokens }) as Plugin,
    ...armorRules(g.limits).map((rule): Plugin => ({ onValidate: ({ addValidationRule }) => addValidationRule(rule) })),
  ];
  if (!g.introspection) {
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  }
  return plugins;
}

/**
 * The same guards for a transport that is not yoga (graphql-ws): a parser with the token cap and a
 * validator with the limit rules, as its `parse` and `validate` options take them.
 */
export function graphqlGuardFunctions(g: GraphQLGuards): {
  parse: (source: string | Source) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => ReturnType<typeof validate>;
} {
  const rules = [...specifiedRules, ...armorRules(g.limits), ...(g.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  return {
    parse: (source) => parse(source, { maxTokens: g.limits.maxTokens }),
    // A rule that throws its refusal instead of reporting it still ends as a validation result here.
    validate: (schema, document) => {
      try {
        return validate(schema, document, rules);
      } catch (e) {
        if (e instanceof GraphQLError) return [e];
        throw e;
      }
    },
  };
}

/** The guards and GraphiQL switch a service's config asks for; GraphiQL needs introspection, so it implies it. */
export function graphqlExposureOf(c: HttpExposureConfig): { guards: GraphQLGuards; graphiql: boolean } {
  return { guards: { limits: graphqlLimitsOf(c), introspection: c.GRAPHQL_INTROSPECTION || c.GRAPHIQL }, graphiql: c.GRAPHIQL };
}
