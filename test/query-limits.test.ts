// The gateway refuses queries that are too deep, alias/directive/token bombs,
// oversized pages and over-budget queries before any subgraph is called (R6, §3),
// with QUERY_TOO_COMPLEX / BAD_USER_INPUT naming the limit; ordinary portal and BI
// queries pass; suggestions leak only in development. Documents are validated
// against the API schema of the real composed supergraph, then sent through an
// Apollo Server wired like the gateway (execution is stubbed: no subgraph runs).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import { GraphQLError, getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLFormattedError } from 'graphql';
import { composeSupergraph, readSupergraphConfig } from '../gateway/composition.ts';
import {
  DEFAULT_LIST_SIZE,
  analyzeQueryCost,
  computeQueryCost,
  countTokens,
  createLimitValidationRules,
  createQueryLimits,
  loadLimitsConfig,
  parseWithLimits,
  stripSuggestions,
  type QueryLimits,
} from '../gateway/limits.ts';
import { isAppError } from '../policy/errors.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const { supergraphSdl } = composeSupergraph(readSupergraphConfig());
const schemaGateway = new ApolloGateway({ supergraphSdl, logger: silent });
const { schema } = await schemaGateway.load();
after(() => schemaGateway.stop());

const LIMITS = loadLimitsConfig({});

function check(query: string, limits: QueryLimits = LIMITS): readonly GraphQLError[] {
  return validate(schema, parse(query), [...specifiedRules, ...createLimitValidationRules(limits)]);
}

function worstCost(query: string, limits: QueryLimits = LIMITS): number {
  return computeQueryCost(schema, parse(query), undefined, { maxPageSize: limits.maxPageSize });
}

function only(errors: readonly GraphQLError[]): GraphQLError {
  assert.equal(errors.length, 1, `expected one error, got: ${errors.map((e) => e.message).join(' | ')}`);
  return errors[0]!;
}

// ---------------------------------------------------------------- documents

/** Sales portal: "where is order S00042?" (§3). */
const ORDER_STATUS = /* GraphQL */ `
  query OrderStatus($number: String!) {
    order(number: $number) {
      number state commitmentDate expectedDate deliveryStatus invoiceStatus
      amountTotal { amount currency }
      lines { description quantity deliveredQuantity invoicedQuantity product { sku name } }
      production { number state quantity producedQuantity finishDate }
      shipments { number state scheduledDate doneDate carrier trackingRef lines { quantity doneQuantity product { sku } } }
      invoices { number state paymentState dueDate amountTotal { amount currency } amountResidual { amount currency } }
    }
  }`;
// order 1 + amountTotal 1 + lines (1 + 10·product 1 = 11) + production (1, scalars only)
// + shipments (1 + 10·(lines 1 + 10·product 1)) = 111 + invoices (1 + 10·2 money) = 21
const ORDER_STATUS_COST = 1 + 1 + 11 + 1 + 111 + 21;

/** BI tool: one incremental page of orders (§3). */
const BI_PAGE = /* GraphQL */ `
  query OrdersPage($first: Int!, $after: String, $since: DateTime) {
    orders(first: $first, after: $after, filter: { updatedSince: $since }) {
      edges {
        cursor
        node {
          id number state updatedAt
          amountTotal { amount currency }
          account { id }
          lines { id quantity product { sku } }
        }
      }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }`;
// node = 1 + amountTotal 1 + account 1 + lines (1 + 10·1) = 14; edges = 1 + first·14;
// orders = 1 + edges + pageInfo 1. Worst case (first unknown → 100): 1403; first 10: 143.
const BI_PAGE_WORST_COST = 1 + (1 + 100 * 14) + 1;
const BI_PAGE_COST_FIRST_10 = 1 + (1 + 10 * 14) + 1;

/** A page of 100 accounts, each with 100 orders, their lines' stock per warehouse. */
const TOO_COSTLY = /* GraphQL */ `
  {
    accounts(first: 100) {
      edges { node { orders(first: 100) { edges { node { lines { product { availability { warehouse } } } } } } } }
    }
  }`;
// availability 1; product 1 + 1 = 2; lines 1 + 10·2 = 21; order node 1 + 21 = 22;
// orders.edges 1 + 100·22 = 2201; orders 2202; account node 2203; accounts.edges 1 + 100·2203; accounts + 1.
const TOO_COSTLY_COST = 1 + (1 + 100 * (1 + (1 + (1 + 100 * (1 + (1 + DEFAULT_LIST_SIZE * (1 + 1)))))));

/** Depth 12: order › account › orders › edges › node › account › orders › edges › node › lines › product › sku. */
const TOO_DEEP = /* GraphQL */ `
  {
    order(number: "S00042") {
      account { orders(first: 1) { edges { node {
        account { orders(first: 1) { edges { node { lines { product { sku } } } } } }
      } } } }
    }
  }`;

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `o${i}: order(number: "S${i}") { number }`).join(' ')} }`;
const directives = (n: number) => `{ order(number: "S1") { ${'number @include(if: true) '.repeat(n)} } }`;

// ---------------------------------------------------------------- configuration

describe('limits configuration', () => {
  test('defaults', () => {
    assert.deepEqual(loadLimitsConfig({}), { maxDepth: 10, maxAliases: 15, maxTokens: 2000, maxDirectives: 20, maxCost: 20_000, maxPageSize: 100 });
  });

  test('read from the environment', () => {
    const limits = loadLimitsConfig({ GATEWAY_MAX_DEPTH: '6', GATEWAY_MAX_COST: '1200', GATEWAY_MAX_PAGE_SIZE: '50', UNRELATED: 'x' });
    assert.equal(limits.maxDepth, 6);
    assert.equal(limits.maxCost, 1200);
    assert.equal(limits.maxPageSize, 50);
  });

  test('a bad value names the variable; the page size cannot exceed what the subgraphs accept', () => {
    for (const env of [{ GATEWAY_MAX_PAGE_SIZE: '500' }, { GATEWAY_MAX_COST: 'lots' }, { GATEWAY_MAX_DEPTH: '0' }]) {
      const variable = Object.keys(env)[0]!;
      assert.throws(
        () => loadLimitsConfig(env),
        (e: unknown) => isAppError(e) && e.code === 'CONFIG_INVALID' && e.message.includes(variable),
      );
    }
  });
});

// ---------------------------------------------------------------- validation

describe('limits at validation', () => {
  test('a normal order-status query passes, at its hand-computed cost', () => {
    assert.deepEqual(check(ORDER_STATUS), []);
    assert.equal(worstCost(ORDER_STATUS), ORDER_STATUS_COST);
    assert.equal(ORDER_STATUS_COST, 146);
  });

  test('a BI paging query with a variable page size passes, costed at the worst page size', () => {
    assert.deepEqual(check(BI_PAGE), []);
    assert.equal(worstCost(BI_PAGE), BI_PAGE_WORST_COST);
    assert.equal(BI_PAGE_WORST_COST, 1403);
    assert.equal(computeQueryCost(schema, parse(BI_PAGE), { first: 10 }, { maxPageSize: 100 }), BI_PAGE_COST_FIRST_10);
    // An absent `first` is the schema default (20), as in the subgraphs.
    assert.equal(worstCost('{ orders { edges { node { id } } } }'), 1 + (1 + 20 * 1));
  });

  test('a too-deep query is QUERY_TOO_COMPLEX, naming depth, measured and maximum', () => {
    const error = only(check(TOO_DEEP));
    assert.equal(error.extensions.code, 'QUERY_TOO_COMPLEX');
    assert.equal(error.message, 'Query depth 12 exceeds the maximum of 10');
    assert.deepEqual({ ...error.extensions }, { code: 'QUERY_TOO_COMPLEX', limit: 'depth', measured: 12, maximum: 10 });
    assert.deepEqual(check(TOO_DEEP, { ...LIMITS, maxDepth: 12 }), []);
  });

  test('fragments do not add depth but their fields do', () => {
    const viaFragment = `{ order(number: "S1") { ...Deep } }
      fragment Deep on Order { account { orders(first: 1) { edges { node { account { orders(first: 1) { edges { node { lines { product { sku } } } } } } } } } } }`;
    assert.equal(only(check(viaFragment)).message, 'Query depth 12 exceeds the maximum of 10');
  });

  test('an alias bomb is QUERY_TOO_COMPLEX', () => {
    assert.deepEqual(check(aliases(15)), []);
    const error = only(check(aliases(16)));
    assert.equal(error.extensions.code, 'QUERY_TOO_COMPLEX');
    assert.equal(error.message, 'Query alias count 16 exceeds the maximum of 15');
  });

  test('a directive flood is QUERY_TOO_COMPLEX', () => {
    assert.deepEqual(check(directives(20)), []);
    const error = only(check(directives(21)));
    assert.equal(error.extensions.code, 'QUERY_TOO_COMPLEX');
    assert.equal(error.message, 'Query directive count 21 exceeds the maximum of 20');
  });

  test('a too-costly query is QUERY_TOO_COMPLEX at its hand-computed cost', () => {
    assert.equal(TOO_COSTLY_COST, 220_302);
    assert.equal(worstCost(TOO_COSTLY), TOO_COSTLY_COST);
    const error = only(check(TOO_COSTLY));
    assert.equal(error.extensions.code, 'QUERY_TOO_COMPLEX');
    assert.equal(error.message, `Query cost ${TOO_COSTLY_COST} exceeds the maximum of 20000`);
    assert.equal(error.extensions.measured, TOO_COSTLY_COST);
    // Nine accounts' worth passes, ten do not: the budget is about pages, not depth.
    assert.deepEqual(check(TOO_COSTLY.replace('accounts(first: 100)', 'accounts(first: 9)')), []);
    assert.equal(only(check(TOO_COSTLY.replace('accounts(first: 100)', 'accounts(first: 10)'))).extensions.limit, 'cost');
  });

  test('fragments cost what their inline form costs, and a fragment fan-out is costed, not expanded', () => {
    const withFragments = `{ accounts(first: 100) { ...Accounts } }
      fragment Accounts on AccountConnection { edges { node { orders(first: 100) { ...Orders } } } }
      fragment Orders on OrderConnection { edges { node { ... on Order { lines { product { availability { warehouse } } } } } } }`;
    assert.equal(worstCost(withFragments), TOO_COSTLY_COST);
    // 30 levels, each spreading the next twice: 2^30 expansions if expanded, analysed once per
    // fragment. Duplicates are counted (conservative): F30 = 1, Fi = 1 + 2·F(i+1), order = 1 + F0.
    const levels = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Order { account { id } ...F${i + 1} ...F${i + 1} }`);
    const fanOut = `{ order(number: "S1") { ...F0 } } ${levels.join(' ')} fragment F30 on Order { account { id } }`;
    const started = performance.now();
    assert.equal(worstCost(fanOut), 2 ** 31);
    assert.deepEqual(check(fanOut).map((e) => e.extensions.limit), ['cost']);
    assert.ok(performance.now() - started < 2000, 'analysis must not expand the fragments');
  });

  test('a fragment cycle is reported by validation and does not hang the cost rule', () => {
    const cyclic = `{ order(number: "S1") { ...A } } fragment A on Order { account { orders(first: 1) { edges { node { ...A } } } } }`;
    const errors = check(cyclic);
    assert.ok(errors.some((e) => /Cannot spread fragment "A" within itself/.test(e.message)), errors.map((e) => e.message).join(' | '));
  });

  test('first: 500 is BAD_USER_INPUT naming the argument path', () => {
    const error = only(check('{ accounts(first: 5) { edges { node { orders(first: 500) { totalCount } } } } }'));
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.equal(error.extensions.field, 'accounts.edges.node.orders.first');
    assert.equal(error.message, 'Argument "first" of accounts.edges.node.orders must be between 1 and 100; got 500');
    assert.equal(only(check('{ o: orders(first: 0) { totalCount } }')).extensions.field, 'o.first');
    assert.deepEqual(check('{ orders(first: 100) { totalCount } }'), []);
  });

  test('a configured smaller page size applies to literals and to the worst case of variables', () => {
    const limits = loadLimitsConfig({ GATEWAY_MAX_PAGE_SIZE: '50' });
    assert.equal(only(check('{ orders(first: 60) { totalCount } }', limits)).extensions.code, 'BAD_USER_INPUT');
    assert.equal(worstCost(BI_PAGE, limits), 1 + (1 + 50 * 14) + 1);
  });

  test('the introspection query passes the default limits (development tools keep working)', () => {
    assert.ok(countTokens(getIntrospectionQuery()).count < LIMITS.maxTokens);
    assert.deepEqual(check(getIntrospectionQuery()), []);
  });

  test('variables: page-size violations are found when the values are known', () => {
    const doc = parse('query($n: Int, $m: Int = 300) { a: orders(first: $n) { totalCount } b: invoices(first: $m) { totalCount } }');
    assert.deepEqual(analyzeQueryCost(schema, doc, undefined, { maxPageSize: 100 }).pageSizeViolations, []);
    assert.deepEqual(analyzeQueryCost(schema, doc, { n: 500 }, { maxPageSize: 100 }).pageSizeViolations, [
      { fieldPath: 'a', value: 500, variable: 'n' },
      { fieldPath: 'b', value: 300, variable: 'm' },
    ]);
    assert.deepEqual(analyzeQueryCost(schema, doc, { n: 5, m: 7 }, { maxPageSize: 100 }).pageSizeViolations, []);
  });
});

// ---------------------------------------------------------------- tokens and suggestions

describe('tokens and suggestions', () => {
  test('a token bomb is QUERY_TOO_COMPLEX at parse time, with the count', () => {
    const bomb = `{ order(number: "S1") { ${'number '.repeat(2100)}} }`; // 8 + 2100 + 2 tokens
    assert.throws(
      () => parseWithLimits(bomb, LIMITS),
      (e: unknown) =>
        e instanceof GraphQLError && e.extensions.code === 'QUERY_TOO_COMPLEX' && e.message === 'Query token count 2110 exceeds the maximum of 2000',
    );
    assert.doesNotThrow(() => parseWithLimits(ORDER_STATUS, LIMITS));
  });

  test('stripSuggestions removes every kind of "Did you mean"', () => {
    assert.equal(stripSuggestions('Cannot query field "numbr" on type "Order". Did you mean "number"?'), 'Cannot query field "numbr" on type "Order".');
    assert.equal(
      stripSuggestions('Unknown argument "frist" on field "Query.orders". Did you mean "first"?'),
      'Unknown argument "frist" on field "Query.orders".',
    );
    assert.equal(
      stripSuggestions('Value "CONFIRMD" does not exist in "OrderState" enum. Did you mean the enum value "CONFIRMED"?'),
      'Value "CONFIRMD" does not exist in "OrderState" enum.',
    );
    assert.equal(stripSuggestions('Cannot query field "x" on type "Y". Did you mean "a", "b", or "c"?'), 'Cannot query field "x" on type "Y".');
    assert.equal(stripSuggestions('Nothing to hide.'), 'Nothing to hide.');
  });
});

// ---------------------------------------------------------------- through Apollo Server

/** Stands in for execution: an operation that gets here passed every limit. */
const executionStub: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async responseForOperation() {
        return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: { executed: true } } } };
      },
    };
  },
};

async function startGatewayServer(production: boolean): Promise<ApolloServer> {
  const limits = createQueryLimits(LIMITS, { production });
  const server = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl, logger: silent }),
    logger: silent,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [...limits.plugins, executionStub],
    includeStacktraceInErrorResponses: false,
  });
  await server.start();
  return server;
}

async function send(server: ApolloServer, query: string, variables?: Record<string, unknown>) {
  const response = await server.executeOperation({ query, variables });
  assert.equal(response.body.kind, 'single');
  const result = response.body.kind === 'single' ? response.body.singleResult : {};
  return { status: response.http.status, data: result.data, errors: (result.errors ?? []) as GraphQLFormattedError[] };
}

describe('through Apollo Server (production)', async () => {
  const server = await startGatewayServer(true);
  after(() => server.stop());

  test('ordinary queries reach execution', async () => {
    assert.deepEqual(await send(server, ORDER_STATUS, { number: 'S00042' }), { status: undefined, data: { executed: true }, errors: [] });
    assert.deepEqual((await send(server, BI_PAGE, { first: 100 })).data, { executed: true });
  });

  test('limit errors keep their registered code and a 400 after Apollo wraps them', async () => {
    const deep = await send(server, TOO_DEEP);
    assert.equal(deep.status, 400);
    assert.deepEqual(deep.errors.map((e) => [e.message, e.extensions?.code]), [['Query depth 12 exceeds the maximum of 10', 'QUERY_TOO_COMPLEX']]);
    assert.equal(deep.errors[0]!.extensions?.http, undefined);

    const costly = await send(server, TOO_COSTLY);
    assert.equal(costly.status, 400);
    assert.equal(costly.errors[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.equal(costly.errors[0]?.extensions?.limit, 'cost');

    const aliasBomb = await send(server, aliases(40));
    assert.equal(aliasBomb.errors[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');

    const page = await send(server, '{ orders(first: 500) { totalCount } }');
    assert.equal(page.status, 400);
    assert.deepEqual(page.errors.map((e) => [e.extensions?.code, e.extensions?.field]), [['BAD_USER_INPUT', 'orders.first']]);
  });

  test('a token bomb is refused by the parser as QUERY_TOO_COMPLEX', async () => {
    const bomb = await send(server, `{ order(number: "S1") { ${'number '.repeat(3000)}} }`);
    assert.equal(bomb.status, 400);
    assert.deepEqual(bomb.errors.map((e) => [e.message, e.extensions?.code, e.extensions?.limit]), [
      ['Query token count 3010 exceeds the maximum of 2000', 'QUERY_TOO_COMPLEX', 'tokens'],
    ]);
  });

  test('a variable page size over the maximum is refused per request, even for a cached document', async () => {
    const query = 'query Page($n: Int) { orders(first: $n) { edges { node { id } } } }';
    assert.deepEqual((await send(server, query, { n: 10 })).data, { executed: true });
    const refused = await send(server, query, { n: 500 });
    assert.equal(refused.status, 400);
    assert.equal(refused.data, undefined);
    assert.deepEqual(refused.errors.map((e) => [e.message, e.extensions?.code, e.extensions?.field]), [
      ['Argument "first" of orders must be between 1 and 100; got 500 (from variable $n)', 'BAD_USER_INPUT', 'orders.first'],
    ]);
    assert.deepEqual((await send(server, query, {})).data, { executed: true }); // absent: the default page size
  });

  test('suggestions are stripped', async () => {
    const typo = await send(server, '{ order(number: "S1") { numbr } }');
    assert.deepEqual(typo.errors.map((e) => e.message), ['Cannot query field "numbr" on type "Order".']);
    const arg = await send(server, '{ orders(frist: 5) { totalCount } }');
    assert.ok(arg.errors.every((e) => !e.message.includes('Did you mean')), arg.errors.map((e) => e.message).join(' | '));
  });
});

describe('through Apollo Server (development)', async () => {
  const server = await startGatewayServer(false);
  after(() => server.stop());

  test('suggestions are kept', async () => {
    const typo = await send(server, '{ order(number: "S1") { numbr } }');
    assert.deepEqual(typo.errors.map((e) => e.message), ['Cannot query field "numbr" on type "Order". Did you mean "number"?']);
  });

  test('limits apply in development too', async () => {
    assert.equal((await send(server, TOO_DEEP)).errors[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
  });
});
