import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  DocumentNode,
  FieldNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  OperationDefinitionNode,
  OperationTypeNode,
  parse,
  ParseOptions,
  SelectionNode,
  specifiedRules,
  validate,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export interface ArmorLimits {
  /** Nesting of fields; fragments (inline or named) add no level of their own. */
  maxDepth: number;
  /** graphql-armor's cost: objects 2, scalars 1, ×1.5 per level, × a literal `first`. */
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexer tokens in the document; stops a huge query before it is even parsed. */
  maxTokens: number;
  /** Off: introspection is refused, and validation errors stop suggesting field names. */
  introspection: boolean;
}

type Limit = 'depth' | 'cost' | 'aliases' | 'directives';

/**
 * The operation limits (graphql-armor's depth, cost, alias and directive rules plus graphql-js's
 * token cap) in one place, so Apollo (HTTP and the callback protocol) and graphql-ws apply the
 * same ones: a subscription over WebSocket is no cheaper to abuse than a query over HTTP.
 * Rejections read as ordinary validation failures (the formatter makes them BAD_USER_INPUT with
 * reason GRAPHQL_VALIDATION_FAILED) plus `limit`, naming which one was hit.
 *
 * The limits count what the client wrote, not the gateway's query plan: the `_entities` and
 * `_service` root fields a gateway adds are not counted against the alias and cost limits, only
 * the client's fields inside `_entities`. Hive Gateway batches a level's entity fetches into one
 * request as `_v0__entities: _entities(...)`, `_v1__entities: ...`, so a client query with 14
 * aliases arrived with 16 ("Aliases limit of 15 exceeded, found 16") where @apollo/gateway, which
 * sends each fetch unaliased on its own, passed it. Depth and directives count as before.
 */
export class QueryArmor {
  private readonly rules: ValidationRule[];

  constructor(private readonly limits: ArmorLimits) {
    const { maxDepth, maxCost, maxAliases, maxDirectives } = limits;
    // Only armor's validation rules: tokens are graphql-js's own parse option (below), and
    // suggestions go with Apollo's hideSchemaDetailsFromClientErrors.
    const off = { enabled: false };
    const [cost] = new ApolloArmor({
      costLimit: { maxCost, flattenFragments: true, ...reject('cost') },
      maxDepth: off,
      maxAliases: off,
      maxDirectives: off,
      maxTokens: off,
      blockFieldSuggestion: off,
    }).protect().validationRules;
    const counts = new ApolloArmor({
      maxDepth: { n: maxDepth, flattenFragments: true, ...reject('depth') },
      costLimit: off,
      // armor's allow list is by alias or field name; the gateway's fields only exist at the root.
      maxAliases: { n: maxAliases, allowList: ['__typename', ...GATEWAY_ROOT_FIELDS], ...reject('aliases') },
      maxDirectives: { n: maxDirectives, ...reject('directives') },
      maxTokens: off,
      blockFieldSuggestion: off,
    }).protect().validationRules;
    this.rules = [onClientSelections(cost), ...counts, noNulInLiterals];
  }

  /** Rules Apollo runs after graphql-js's specified rules. */
  validationRules(): ValidationRule[] {
    return this.rules;
  }

  parseOptions(): ParseOptions {
    return { maxLexicalTokens: this.limits.maxTokens };
  }

  /** Variables are not part of the document: this checks them once the operation is known. */
  apolloPlugin(): ApolloServerPlugin {
    return {
      async requestDidStart() {
        return {
          async didResolveOperation({ request }) {
            const error = nulInVariables(request.variables);
            if (error) throw error;
          },
        };
      },
    };
  }

  /**
   * graphql-ws's onSubscribe: parses and validates the way Apollo does (same limits,
   * introspection rule and error codes) and answers a bad operation with an `error` message.
   * Without it graphql-ws lets a syntax error escape, which closes the whole socket with 4500.
   */
  checkOperation(schema: GraphQLSchema, query: unknown, variables: unknown): { document: DocumentNode } | GraphQLError[] {
    let document: DocumentNode;
    try {
      if (typeof query !== 'string') throw new GraphQLError('GraphQL operations must contain a non-empty `query`.');
      document = parse(query, this.parseOptions());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
    }
    const rules = [...specifiedRules, ...(this.limits.introspection ? [] : [NoSchemaIntrospectionCustomRule]), ...this.validationRules()];
    // Field suggestions ("Did you mean …?") name schema fields; they go when introspection does.
    const errors = validate(schema, document, rules, { hideSuggestions: !this.limits.introspection });
    if (!errors.length) {
      const error = nulInVariables(variables);
      return error ? [error] : { document };
    }
    return errors.map(
      (error) =>
        new GraphQLError(error.message, {
          nodes: error.nodes,
          extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
    );
  }
}

/** The root fields a gateway adds to run its query plan (federation's `Query._entities`, `_service`). */
const GATEWAY_ROOT_FIELDS = ['_entities', '_service'];

/**
 * Runs an armor rule on the operation without the gateway's root fields: each `_entities` field
 * replaced by the selections inside it, `_service` left out. An entity fetch's `... on Account {
 * externalLinks }` then costs what the client's `accounts { externalLinks }` does (2 plus 1.5 times
 * what it selects); the `_entities` field around it, the gateway's, costs nothing.
 */
function onClientSelections(rule: ValidationRule): ValidationRule {
  return (context) => {
    const visitor = rule(context) as { OperationDefinition?: { enter?: (node: OperationDefinitionNode) => void } };
    const enter = visitor.OperationDefinition?.enter;
    // An invariant of our rule list, hit when the schema is built (a graphql-armor upgrade), never by input.
    if (!enter) throw new Error('graphql-armor rule without OperationDefinition.enter');
    return { OperationDefinition: { enter: (node) => enter.call(visitor.OperationDefinition, clientOperation(node)) } };
  };
}

function clientOperation(operation: OperationDefinitionNode): OperationDefinitionNode {
  if (operation.operation !== OperationTypeNode.QUERY) return operation;
  const roots = operation.selectionSet.selections;
  if (!roots.some(isGatewayField)) return operation;
  const selections = roots.flatMap((selection) => {
    if (!isGatewayField(selection)) return [selection];
    return selection.name.value === '_entities' ? (selection.selectionSet?.selections ?? []) : [];
  });
  return { ...operation, selectionSet: { ...operation.selectionSet, selections } };
}

function isGatewayField(selection: SelectionNode): selection is FieldNode {
  return selection.kind === Kind.FIELD && GATEWAY_ROOT_FIELDS.includes(selection.name.value);
}

/**
 * graphql-armor's default is to throw from the visitor, which aborts validation (Apollo answers
 * 500 for that); reporting to the validation context gives a 400 and a normal error instead.
 * Its messages start with "Syntax Error:", which they are not.
 */
function reject(limit: Limit) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit } })),
    ],
  };
}

const NUL = '\u0000';
const NUL_MESSAGE = 'text may not contain NUL (\\u0000) characters';

/**
 * Postgres text and jsonb cannot store U+0000; a string carrying one would fail deep inside a
 * query as a database error (an INTERNAL_SERVER_ERROR), so it is refused here as bad input.
 */
const noNulInLiterals: ValidationRule = (context) => ({
  StringValue(node) {
    if (node.value.includes(NUL)) context.reportError(new GraphQLError(`String literal: ${NUL_MESSAGE}.`, { nodes: [node] }));
  },
});

/** A value met while walking the variables, with a link to its parent to name its path on error. */
interface Visit {
  value: unknown;
  key: string;
  parent: Visit | null;
}

function pathOf(visit: Visit): string[] {
  const path: string[] = [];
  for (let at: Visit | null = visit; at; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The first NUL in any variable (strings and object keys, at any depth), as BAD_USER_INPUT.
 * Iterative (a body may nest deeper than the call stack) and linear: each value is visited once,
 * and a path is only built for the error (copying it at every level made a deep body quadratic).
 */
function nulInVariables(variables: unknown): GraphQLError | null {
  if (!variables || typeof variables !== 'object') return null;
  const stack: Visit[] = Object.entries(variables).map(([key, value]) => ({ value, key, parent: null }));
  while (stack.length) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes(NUL)) return nulError(pathOf(visit));
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes(NUL)) return nulError(pathOf(visit));
        stack.push({ value: child, key, parent: visit });
      }
    }
  }
  return null;
}

function nulError(path: string[]): GraphQLError {
  // `field` as the services name it: the input field under `$input`, else the variable itself.
  const field = path.length > 1 ? path.slice(1).join('.') : path[0];
  return new GraphQLError(`Variable "$${path[0]}" at "${path.join('.')}": ${NUL_MESSAGE}.`, {
    extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
  });
}
