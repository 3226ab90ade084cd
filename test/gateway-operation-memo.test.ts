// The gateway builds federation-internals' Operation once per parsed document
// (gateway/operation-memo.ts), not once per request: the same query asked again
// reuses it, a different query builds its own, and the request's variables still
// decide @include/@skip on every request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rememberOperationsPerDocument } from '../gateway/operation-memo.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

// Two subgraphs (orders in Odoo, the account's name in the CRM), a fragment, and a field under @include.
const QUERY = `query MemoOrders($withAccount: Boolean!) {
  orders(first: 3) { edges { node { ...OrderBits account @include(if: $withAccount) { name } } } }
}
fragment OrderBits on Order { number state }`;

describe('the gateway remembers the operation of a document across requests', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('the same query is built once; variables still decide what is answered', async () => {
    const memo = rememberOperationsPerDocument();
    const start = { calls: memo.calls, built: memo.built };
    const withAccount = await stack.query(QUERY, { withAccount: true });
    assert.equal(withAccount.errors, undefined, JSON.stringify(withAccount.errors));
    const nodes = withAccount.data.orders.edges.map((e: { node: unknown }) => e.node);
    assert.ok(nodes.length > 0);
    for (const n of nodes) assert.equal(typeof n.account?.name, 'string', JSON.stringify(n));
    assert.equal(memo.calls - start.calls, 1);
    assert.equal(memo.built - start.built, 1);

    const without = await stack.query(QUERY, { withAccount: false });
    assert.equal(without.errors, undefined, JSON.stringify(without.errors));
    assert.deepEqual(
      without.data.orders.edges.map((e: { node: Record<string, unknown> }) => e.node),
      nodes.map(({ number, state }: Record<string, unknown>) => ({ number, state })),
      "the remembered operation must not keep the first request's variables",
    );
    assert.equal(memo.calls - start.calls, 2);
    assert.equal(memo.built - start.built, 1, 'the second request reuses the operation');

    const again = await stack.query(QUERY, { withAccount: true });
    assert.deepEqual(again.data, withAccount.data);
    assert.equal(memo.built - start.built, 1);
  });

  test('another query builds its own operation', async () => {
    const memo = rememberOperationsPerDocument();
    const built = memo.built;
    const res = await stack.query('{ orders(first: 1) { edges { node { number } } } }');
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(memo.built - built, 1);
  });
});
