// Query limits of the gateway (R6 "schema validation and payload inspection", §3
// "bounded page sizes and query cost"): a document is refused before any subgraph
// is called when it is too deep, has too many aliases, directives or tokens, asks
// for a page larger than the maximum, or would cost more than the budget.
//
// - depth, aliases, directives: graphql-armor's validation rules, their rejections
//   reported as QUERY_TOO_COMPLEX with the measured value and the maximum;
// - tokens: graphql-js's own parser limit (`parseOptions.maxTokens`), so the
//   document is parsed once and a token bomb never reaches the AST; the plugin
//   below turns the parser's syntax error into QUERY_TOO_COMPLEX;
// - page size and cost: the page-aware cost rule of this file (§ computeQueryCost);
// - suggestions ("Did you mean …?") leak the schema: the plugin removes them from
//   every error in production.
//
// Apollo Server wraps every validation error as GRAPHQL_VALIDATION_FAILED, which
// overwrites `extensions.code`; the plugin restores the registered code of the
// errors this file made (QUERY_TOO_COMPLEX, BAD_USER_INPUT).
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  parse,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { z } from 'zod';
import { ERRORS, graphQLError, type ErrorKey } from '../policy/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../subgraphs/common/paging.ts';
import { parseEnv } from '../core/env.ts';

// ---------------------------------------------------------------- configuration

const bounded = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const limitsConfigSchema = z
  .object({
    /** Longest chain of nested fields (fragments are transparent). */
    GATEWAY_MAX_DEPTH: bounded(1, 100, 10),
    /** Aliased fields per operation (`__typename` aliases are free). */
    GATEWAY_MAX_ALIASES: bounded(0, 1000, 15),
    /** Lexical tokens per document; the parser stops at the first token over. */
    GATEWAY_MAX_TOKENS: bounded(100, 1_000_000, 2000),
    /** Directive uses per operation. */
    GATEWAY_MAX_DIRECTIVES: bounded(0, 1000, 20),
    /** Page-aware cost budget per operation (see computeQueryCost). */
    GATEWAY_MAX_COST: bounded(1, 1_000_000_000, 20_000),
    /** Largest `first` a client may ask for; never above what the subgraphs accept. */
    GATEWAY_MAX_PAGE_SIZE: bounded(1, MAX_PAGE_SIZE, MAX_PAGE_SIZE),
  })
  .transform((env) => ({
    maxDepth: env.GATEWAY_MAX_DEPTH,
    maxAliases: env.GATEWAY_MAX_ALIASES,
    maxTokens: env.GATEWAY_MAX_TOKENS,
    maxDirectives: env.GATEWAY_MAX_DIRECTIVES,
    maxCost: env.GATEWAY_MAX_COST,
    maxPageSize: env.GATEWAY_MAX_PAGE_SIZE,
  }));

export type QueryLimits = z.infer<typeof limitsConfigSchema>;

/** Reads the limits from the environment; a bad value throws CONFIG_INVALID naming the variable. */
export function loadLimitsConfig(env: Record<string, string | undefined> = process.env): QueryLimits {
  return parseEnv(limitsConfigSchema, env);
}

/** Assumed length of a plain list field without `first` (Order.lines, Order.shipments, Account.contacts, …). */
export const DEFAULT_LIST_SIZE = 10;

// ---------------------------------------------------------------- errors

export type LimitName = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost';

const LIMIT_LABEL: Record<LimitName, string> = {
  depth: 'Query depth',
  aliases: 'Query alias count',
  directives: 'Query directive count',
  tokens: 'Query token count',
  cost: 'Query cost',
};

/** Errors made here; Apollo wraps validation errors, the plugin finds them by identity. */
const LIMIT_ERRORS = new WeakSet<object>();

function limitsError(key: ErrorKey, message: string, details: Record<string, unknown>): GraphQLError {
  const error = graphQLError(key, message, details);
  LIMIT_ERRORS.add(error);
  return error;
}

/** The QUERY_TOO_COMPLEX error, e.g. "Query depth 12 exceeds the maximum of 10". */
export function tooComplexError(limit: LimitName, measured: number | string, maximum: number): GraphQLError {
  return limitsError('QUERY_TOO_COMPLEX', `${LIMIT_LABEL[limit]} ${measured} exceeds the maximum of ${maximum}`, {
    limit,
    measured,
    maximum,
  });
}

export interface PageSizeViolation {
  /** Response path of the field carrying the argument, e.g. `accounts.edges.node.orders`. */
  fieldPath: string;
  value: number;
  /** The variable the value came from, when it came from one. */
  variable?: string;
}

function pageSizeError(v: PageSizeViolation, maxPageSize: number, extra: Record<string, unknown> = {}): GraphQLError {
  const from = v.variable ? ` (from variable $${v.variable})` : '';
  return limitsError(
    'BAD_USER_INPUT',
    `Argument "first" of ${v.fieldPath} must be between 1 and ${maxPageSize}; got ${v.value}${from}`,
    { field: `${v.fieldPath}.first`, value: v.value, maximum: maxPageSize, ...extra },
  );
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Removes graphql-js's "Did you mean …?" hints (field, argument, type and enum value names). */
export function stripSuggestions(message: string): string {
  return message.replace(SUGGESTION, '').trim();
}

// ---------------------------------------------------------------- tokens

// graphql 16 says "more that N tokens" (sic); accept the corrected wording too.
const TOKEN_LIMIT_MESSAGE = /Document contains more (?:that|than) \d+ tokens/;

/** Counts lexical tokens as the parser does (comments excluded), stopping at `cap`. */
export function countTokens(source: string, cap = Number.POSITIVE_INFINITY): { count: number; capped: boolean } {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count >= cap) return { count, capped: true };
    }
  } catch {
    // A lexical error ends the count; the syntax error is reported by the parser.
  }
  return { count, capped: false };
}

function tokenLimitError(source: string | undefined, maxTokens: number): GraphQLError {
  if (source === undefined) return tooComplexError('tokens', `over ${maxTokens}`, maxTokens);
  // Lexing is linear and the body size is bounded; the cap keeps even that small.
  const { count, capped } = countTokens(source, maxTokens * 100);
  return tooComplexError('tokens', capped ? `over ${count}` : count, maxTokens);
}

/** Parser options for Apollo Server's `parseOptions`: the token limit. */
export function limitParseOptions(limits: Pick<QueryLimits, 'maxTokens'>): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

/** Parses with the token limit; an oversized document throws QUERY_TOO_COMPLEX. */
export function parseWithLimits(source: string, limits: Pick<QueryLimits, 'maxTokens'>): DocumentNode {
  try {
    return parse(source, limitParseOptions(limits));
  } catch (e) {
    if (e instanceof GraphQLError && TOKEN_LIMIT_MESSAGE.test(e.message)) throw tokenLimitError(source, limits.maxTokens);
    throw e;
  }
}

// ---------------------------------------------------------------- cost

export interface QueryCostOptions {
  /** A `first` given by a variable whose value is unknown (validation time) counts as this. */
  maxPageSize: number;
  /** Assumed length of a plain list field; default DEFAULT_LIST_SIZE. */
  listSize?: number;
  /** The operation to cost; without it, the single operation, or the most expensive one. */
  operationName?: string | null;
}

export interface QueryCostAnalysis {
  cost: number;
  pageSizeViolations: PageSizeViolation[];
}

/**
 * The page-aware cost of one operation. Every field returning an object costs 1,
 * a scalar or enum field 0, and each is multiplied by the sizes of the lists it
 * sits in:
 * - a list field's selections are multiplied by the page size when the list is
 *   the items of a paged field (the `edges` of `orders(first: 50)`) or carries
 *   `first` itself, otherwise by the assumed list size (`lines`, `shipments`, …);
 * - the page size is the literal `first`, the variable's value when variables are
 *   known, `maxPageSize` when they are not, and the argument's default (20) when
 *   `first` is absent or null, as the subgraphs do;
 * - a paged connection costs at least what its backend reads: its page size, plus 1
 *   when `totalCount` is asked, even when no `edges` are selected — so a nested list
 *   costs the parent page size × its own, and every alias of it counts again;
 * - introspection (`__schema`, `__type`, `__typename`) is free.
 * A fragment is costed once per operation and enclosing page size (memoised),
 * so a fragment fan-out cannot make the analysis itself expensive; each spread
 * still counts (duplicate selections are not merged: conservative); cycles count
 * nothing (validation reports them).
 */
class CostAnalyzer {
  readonly violations: PageSizeViolation[] = [];
  private readonly memo = new Map<string, number>();
  private readonly inProgress = new Set<string>();
  private readonly listSize: number;
  private variableDefaults = new Map<string, ValueNode | undefined>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragment: (name: string) => FragmentDefinitionNode | null | undefined,
    private readonly options: QueryCostOptions,
    /** Known variable values (request time), or undefined (validation time). */
    private readonly variables: Record<string, unknown> | undefined,
    /** Arguments already reported, shared between operations of one document. */
    private readonly reported: Set<ArgumentNode> = new Set(),
  ) {
    this.listSize = options.listSize ?? DEFAULT_LIST_SIZE;
  }

  analyze(operation: OperationDefinitionNode): number {
    this.memo.clear();
    this.variableDefaults = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d.defaultValue]));
    const root = this.schema.getRootType(operation.operation);
    return root ? this.selectionSet(operation.selectionSet, root, null, '') : 0;
  }

  /** Cost of a selection set at multiplier 1. `pending` is the page size of the enclosing paged field. */
  private selectionSet(set: SelectionSetNode, parent: GraphQLCompositeType, pending: number | null, path: string): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += this.field(selection, parent, pending, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += this.selectionSet(selection.selectionSet, type, pending, path);
      } else {
        const name = selection.name.value;
        const key = `${name}|${pending ?? ''}`;
        const known = this.memo.get(key);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const fragment = this.fragment(name);
        if (!fragment || this.inProgress.has(name)) continue;
        const type = this.schema.getType(fragment.typeCondition.name.value);
        if (!type || !isCompositeType(type)) continue;
        this.inProgress.add(name);
        const cost = this.selectionSet(fragment.selectionSet, type, pending, path);
        this.inProgress.delete(name);
        this.memo.set(key, cost);
        total += cost;
      }
    }
    return total;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, pending: number | null, path: string): number {
    const name = node.name.value;
    if (name.startsWith('__')) return 0;
    const def: GraphQLField<unknown, unknown> | undefined =
      isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!def) return 0; // unknown field: FieldsOnCorrectTypeRule reports it
    const named = getNamedType(def.type);
    if (isLeafType(named) || !node.selectionSet || !isCompositeType(named)) return 0;
    const fieldPath = path ? `${path}.${node.alias?.value ?? name}` : (node.alias?.value ?? name);
    const firstArg = def.args.find((a) => a.name === 'first');
    const page = firstArg ? this.pageSize(node, firstArg, fieldPath) : null;
    let multiplier = 1;
    let childPending: number | null = null;
    if (isListType(getNullableType(def.type))) multiplier = page ?? pending ?? this.listSize;
    else childPending = page;
    const selected = multiplier * this.selectionSet(node.selectionSet, named, childPending, fieldPath);
    if (childPending === null) return 1 + selected;
    // A paged connection reads its page (and counts when asked) whatever the client selects
    // from it: `orders(first: 10) { totalCount }` under 50 accounts is 50 pages of 10 rows.
    return 1 + Math.max(selected, childPending + (this.selectsField(node.selectionSet, 'totalCount', new Set()) ? 1 : 0));
  }

  /** Whether a selection set asks for `name` directly, in an inline fragment or in a spread fragment. */
  private selectsField(set: SelectionSetNode, name: string, seen: Set<string>): boolean {
    return set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name;
      if (s.kind === Kind.INLINE_FRAGMENT) return this.selectsField(s.selectionSet, name, seen);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      const fragment = this.fragment(s.name.value);
      return fragment ? this.selectsField(fragment.selectionSet, name, seen) : false;
    });
  }

  private pageSize(node: FieldNode, arg: GraphQLArgument, fieldPath: string): number {
    const argNode = node.arguments?.find((a) => a.name.value === arg.name);
    const absent = typeof arg.defaultValue === 'number' ? arg.defaultValue : DEFAULT_PAGE_SIZE;
    if (!argNode) return absent;
    const value = argNode.value;
    if (value.kind === Kind.INT) return this.checked(argNode, Number.parseInt(value.value, 10), fieldPath);
    if (value.kind === Kind.NULL) return DEFAULT_PAGE_SIZE;
    if (value.kind !== Kind.VARIABLE) return this.options.maxPageSize; // wrong type: validation reports it
    const variable = value.name.value;
    if (this.variables === undefined) return this.options.maxPageSize; // unknown until the request: assume the worst
    const given = Object.hasOwn(this.variables, variable) ? this.variables[variable] : undefined;
    if (given === undefined) {
      const fallback = this.variableDefaults.get(variable);
      if (fallback?.kind === Kind.INT) return this.checked(argNode, Number.parseInt(fallback.value, 10), fieldPath, variable);
      if (fallback?.kind === Kind.NULL) return DEFAULT_PAGE_SIZE;
      return fallback ? this.options.maxPageSize : absent;
    }
    if (given === null) return DEFAULT_PAGE_SIZE;
    if (typeof given === 'number' && Number.isInteger(given)) return this.checked(argNode, given, fieldPath, variable);
    return this.options.maxPageSize; // not an Int: variable coercion refuses it
  }

  private checked(argNode: ArgumentNode, value: number, fieldPath: string, variable?: string): number {
    if ((value < 1 || value > this.options.maxPageSize) && !this.reported.has(argNode)) {
      this.reported.add(argNode);
      this.violations.push(variable ? { fieldPath, value, variable } : { fieldPath, value });
    }
    return Math.max(0, value);
  }
}

function fragmentLookup(document: DocumentNode): (name: string) => FragmentDefinitionNode | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return (name) => fragments.get(name);
}

/** Cost and page-size violations of a document's operation (see QueryCostOptions.operationName). */
export function analyzeQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  options: QueryCostOptions,
): QueryCostAnalysis {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const selected = options.operationName ? operations.filter((o) => o.name?.value === options.operationName) : operations;
  const lookup = fragmentLookup(document);
  const reported = new Set<ArgumentNode>();
  let cost = 0;
  const pageSizeViolations: PageSizeViolation[] = [];
  for (const operation of selected) {
    const analyzer = new CostAnalyzer(schema, lookup, options, variables, reported);
    cost = Math.max(cost, analyzer.analyze(operation));
    pageSizeViolations.push(...analyzer.violations);
  }
  return { cost, pageSizeViolations };
}

/** The page-aware cost of a document's operation; `variables` undefined = values unknown (worst case). */
export function computeQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  options: QueryCostOptions,
): number {
  return analyzeQueryCost(schema, document, variables, options).cost;
}

/** Validation rule: refuses a literal `first` outside 1..maxPageSize and an operation costing over maxCost. */
export function pageAwareCostRule(limits: Pick<QueryLimits, 'maxCost' | 'maxPageSize'>, listSize = DEFAULT_LIST_SIZE): ValidationRule {
  return (context: ValidationContext) => {
    const reported = new Set<ArgumentNode>();
    return {
      OperationDefinition(operation) {
        const analyzer = new CostAnalyzer(
          context.getSchema(),
          (name) => context.getFragment(name),
          { maxPageSize: limits.maxPageSize, listSize },
          undefined,
          reported,
        );
        const cost = analyzer.analyze(operation);
        for (const v of analyzer.violations) context.reportError(pageSizeError(v, limits.maxPageSize));
        if (cost > limits.maxCost) context.reportError(tooComplexError('cost', cost, limits.maxCost));
      },
    };
  };
}

// ---------------------------------------------------------------- rules and plugin

const FOUND = /found (\d+)/;

/** graphql-armor reports "… limit of N exceeded, found M."; report it as QUERY_TOO_COMPLEX instead. */
function armorRejection(limit: LimitName, maximum: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const measured = FOUND.exec(error.message)?.[1];
    context?.reportError(tooComplexError(limit, measured === undefined ? `over ${maximum}` : Number(measured), maximum));
  };
}

/**
 * Validation rules for Apollo Server's `validationRules` (or graphql's `validate`):
 * depth, aliases, directives (graphql-armor) and the page-aware cost rule. The
 * token limit is a parser option (limitParseOptions).
 */
export function createLimitValidationRules(limits: QueryLimits): ValidationRule[] {
  const armor = new ApolloArmor({
    blockFieldSuggestion: { enabled: false }, // the plugin strips suggestions from every error, not only validation's
    maxTokens: { enabled: false }, // graphql-js parser limit instead: one parse, a 400 instead of a thrown hook
    costLimit: { enabled: false }, // not page-aware; pageAwareCostRule instead
    maxDepth: { n: limits.maxDepth, flattenFragments: true, propagateOnRejection: false, onReject: [armorRejection('depth', limits.maxDepth)] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [armorRejection('aliases', limits.maxAliases)] },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [armorRejection('directives', limits.maxDirectives)] },
  });
  return [...armor.protect().validationRules, pageAwareCostRule(limits)];
}

/** Gives a wrapping error the message and extensions (code first) of a project error. */
function adopt(target: GraphQLError, source: GraphQLError): void {
  target.message = source.message;
  Object.assign(target.extensions as Record<string, unknown>, source.extensions);
}

/**
 * The Apollo Server plugin of the limits:
 * - refuses a `first` given by a variable outside 1..maxPageSize (validation
 *   cannot see variables, and Apollo caches validated documents), BAD_USER_INPUT;
 * - gives the limit errors their registered code back after Apollo's wrapping;
 * - turns the parser's token-limit syntax error into QUERY_TOO_COMPLEX;
 * - in production, removes "Did you mean …?" suggestions from every error.
 */
export function createLimitsPlugin<TContext extends BaseContext = BaseContext>(
  limits: QueryLimits,
  options: { production: boolean },
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation?.variableDefinitions?.length) return; // literals were checked at validation
          const analyzer = new CostAnalyzer(schema, fragmentLookup(document), { maxPageSize: limits.maxPageSize }, request.variables ?? {});
          analyzer.analyze(operation);
          const violation = analyzer.violations[0];
          if (violation) throw pageSizeError(violation, limits.maxPageSize, { http: { status: ERRORS.BAD_USER_INPUT.httpStatus } });
        },
        async didEncounterErrors({ errors, source }) {
          for (const error of errors) {
            const original = error.originalError;
            if (original instanceof GraphQLError && LIMIT_ERRORS.has(original) && original !== error) {
              adopt(error, original);
            } else if (error.extensions.code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT_MESSAGE.test(error.message)) {
              adopt(error, tokenLimitError(source, limits.maxTokens));
            }
            if (options.production) error.message = stripSuggestions(error.message);
          }
        },
      };
    },
  };
}

/** Everything Apollo Server needs, to spread or pick from: `validationRules`, `parseOptions`, `plugins`. */
export function createQueryLimits<TContext extends BaseContext = BaseContext>(
  limits: QueryLimits,
  options: { production: boolean },
): { validationRules: ValidationRule[]; parseOptions: ParseOptions; plugins: ApolloServerPlugin<TContext>[] } {
  return {
    validationRules: createLimitValidationRules(limits),
    parseOptions: limitParseOptions(limits),
    plugins: [createLimitsPlugin<TContext>(limits, options)],
  };
}
