// The cost model counts what the backends read (issue 9): a paged list costs its
// page (and its count) even when no edges are selected, so a nested list costs the
// parent page size × its own, and every alias of the same list counts again.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApolloGateway } from '@apollo/gateway';
import { parse, specifiedRules, validate } from 'graphql';
import { composeSupergraph, readSupergraphConfig } from '../gateway/composition.ts';
import { computeQueryCost, createLimitValidationRules, loadLimitsConfig } from '../gateway/limits.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const gateway = new ApolloGateway({ supergraphSdl: composeSupergraph(readSupergraphConfig()).supergraphSdl, logger: silent });
const { schema } = await gateway.load();
after(() => gateway.stop());

const cost = (query: string) => computeQueryCost(schema, parse(query), undefined, { maxPageSize: 100 });
const nested = (inner: string) => `{ accounts(first: 50) { edges { node { ${inner} } } } }`;

describe('cost of nested paged lists', () => {
  test('a nested list costs the parent page size × its own page, its count included', () => {
    // accounts 1 + edges (1 + 50 × node (1 + orders (1 + 10 rows + 1 count)))
    assert.equal(cost(nested('orders(first: 10) { totalCount }')), 1 + (1 + 50 * (1 + (1 + 10 + 1))));
    assert.equal(cost(nested('orders(first: 10) { pageInfo { hasNextPage } }')), 1 + (1 + 50 * (1 + (1 + 10))));
    assert.ok(cost(nested('orders(first: 100) { totalCount }')) > cost(nested('orders(first: 10) { totalCount }')));
  });

  test('each alias of the same list field counts', () => {
    const one = cost(nested('orders(first: 10) { totalCount }'));
    const three = cost(nested('orders(first: 10) { totalCount } a: orders(first: 10) { totalCount } b: orders(first: 10) { totalCount }'));
    assert.equal(three - 2, 3 * (one - 2) - 2 * 50, 'three lists per account, one account node');
  });

  test('the amplification query of issue 9 is costed by what it reads, and a bigger page of it is refused', () => {
    const lists = (first: number) =>
      [`orders(first: ${first}) { totalCount }`, `invoices(first: ${first}) { totalCount }`, ...Array.from({ length: 15 }, (_, i) => `o${i}: orders(first: ${first}) { totalCount }`)].join(' ');
    const amplification = `{ accounts(first: 100) { edges { node { ${lists(1)} } } } }`;
    assert.equal(cost(amplification), 1 + (1 + 100 * (1 + 17 * (1 + 1 + 1))));
    const limits = loadLimitsConfig({});
    const refused = validate(schema, parse(`{ accounts(first: 100) { edges { node { ${lists(20)} } } } }`), [...specifiedRules, ...createLimitValidationRules(limits)]);
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.extensions.code, 'QUERY_TOO_COMPLEX');
  });
});
