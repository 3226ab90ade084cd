// Bounded work per request (issue 9): a paged list nested under a list costs a
// fixed number of Odoo calls per nesting level whatever the number of parents —
// counted from the sandbox's own request log, never timed — and answers exactly
// what asking each parent alone answers (per-parent windows, cursors, totalCount).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';

const ACCOUNT_ORDERS = `
  fragment Page on OrderConnection { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id number } } }`;

for (const protocol of ['json2', 'jsonrpc'] as const) describe(`nested paged lists are batched per level (${protocol})`, () => {
  // Odoo 19 (JSON-2) groups with formatted_read_group; 14–18 over JSON-RPC with read_group.
  const grouped = protocol === 'json2' ? 'formatted_read_group' : 'read_group';
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ odooProtocol: protocol });
    await stack.query('{ products(first: 1) { edges { node { sku } } } }'); // discovers the Odoo companies once
  });
  after(() => stack.close());

  test('the amplification query is served with a handful of Odoo calls, whatever the number of accounts', async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `o${i}: orders(first: 1) { totalCount } i${i}: invoices(first: 1) { totalCount }`).join(' ');
    await stack.resetCounters();
    const res = await stack.query(`{ accounts(first: 100) { edges { node { orders(first: 1) { totalCount } invoices(first: 1) { totalCount } ${aliases} } } } }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.ok(res.data.accounts.edges.length > 20, 'enough parents to show amplification');
    const calls = stack.odooSandbox.log.entries().map((e) => `${e.model}.${e.method}`);
    // The partners of the page (one search), then per list: one read_group + one search_read.
    assert.ok(calls.length <= 6, `Odoo calls: ${calls.join(', ')}`);
    assert.equal(calls.filter((c) => c === `sale.order.${grouped}`).length, 1);
    assert.equal(calls.filter((c) => c === `account.move.${grouped}`).length, 1);
    assert.equal(stack.odooSandbox.log.count({ method: 'search_count' }), 0);
  });

  test('orders(first: 2) under 20 accounts: the same edges, cursors and totals as asking each account alone', async () => {
    const batched = await stack.query(`{ accounts(first: 20) { edges { node { id orders(first: 2) { ...Page } } } } } ${ACCOUNT_ORDERS}`);
    assert.equal(batched.errors, undefined, JSON.stringify(batched.errors));
    const nodes = batched.data.accounts.edges.map((e: { node: unknown }) => e.node) as Array<{ id: string; orders: any }>;
    assert.equal(nodes.length, 20);
    assert.ok(nodes.some((n) => n.orders.totalCount > 2), 'some account has a next page');
    for (const n of nodes) {
      const alone = await stack.query(`query($id: ID!) { account(id: $id) { orders(first: 2) { ...Page } } } ${ACCOUNT_ORDERS}`, { id: n.id });
      assert.equal(alone.errors, undefined, JSON.stringify(alone.errors));
      assert.deepEqual(n.orders, alone.data.account.orders, `account ${n.id}`);
    }
    // The second page through the cursor, batched, equals the second page alone.
    const withNext = nodes.filter((n) => n.orders.pageInfo.hasNextPage);
    assert.ok(withNext.length > 0);
    const cursor = withNext[0]!.orders.pageInfo.endCursor;
    const second = await stack.query(`query($c: String) { accounts(first: 20) { edges { node { id orders(first: 2, after: $c) { ...Page } } } } } ${ACCOUNT_ORDERS}`, { c: cursor });
    assert.equal(second.errors, undefined, JSON.stringify(second.errors));
    const secondOf = second.data.accounts.edges.find((e: { node: { id: string } }) => e.node.id === withNext[0]!.id).node.orders;
    const alone = await stack.query(`query($id: ID!, $c: String) { account(id: $id) { orders(first: 2, after: $c) { ...Page } } } ${ACCOUNT_ORDERS}`, { id: withNext[0]!.id, c: cursor });
    assert.deepEqual(secondOf, alone.data.account.orders);
    assert.ok(secondOf.edges.every((e: { node: { id: string } }) => !withNext[0]!.orders.edges.some((f: { node: { id: string } }) => f.node.id === e.node.id)));
  });

  test('a customer sees only its own account\'s orders in the batched list', async () => {
    const all = await stack.query(`{ accounts(first: 5) { edges { node { id orders(first: 100) { totalCount edges { node { id } } } } } } }`);
    const withOrders = all.data.accounts.edges.map((e: { node: any }) => e.node).find((n: any) => n.orders.totalCount > 0);
    assert.ok(withOrders);
    const mine = await stack.query(`query($id: ID!) { account(id: $id) { orders(first: 100) { totalCount edges { node { id } } } } }`, { id: withOrders.id }, { role: 'customer', accountId: withOrders.id });
    assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
    assert.deepEqual(mine.data.account.orders, withOrders.orders);
  });
});

describe('backend-call budget per request', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ backendCallBudget: 3 });
  });
  after(() => stack.close());

  test('once a request has spent its budget, the rest fails with BACKEND_BUDGET_EXHAUSTED before reaching Odoo', async () => {
    await stack.query('{ products(first: 1) { edges { node { sku } } } }');
    await stack.resetCounters();
    const res = await stack.query(`{ orders(first: 5) {
      edges { node { number lines { quantity product { sku } } shipments { number } invoices { number } production { number } } }
    } }`);
    const codes = (res.errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code);
    assert.ok(codes.length > 0, 'the request went over its budget');
    assert.ok(codes.every((c: string | undefined) => c === 'BACKEND_BUDGET_EXHAUSTED'), JSON.stringify(res.errors));
    assert.match(res.errors![0]!.message, /^This request has used its budget of backend calls; Odoo was not called again/);
    assert.equal(res.errors![0]!.extensions?.maximum, 3);
    assert.equal(res.data.orders.edges.length, 5, 'what was fetched within the budget still arrives');
    assert.ok(stack.odooSandbox.log.entries().length <= 3, 'no call beyond the budget reached Odoo');
    // The budget is per request: the next one starts afresh.
    const next = await stack.query('{ orders(first: 1) { edges { node { number } } } }');
    assert.equal(next.errors, undefined, JSON.stringify(next.errors));
  });

  test('the CRM connector spends the same budget: HubSpot calls beyond it fail with the code and are never sent', async () => {
    const one = await startTestStack({ backendCallBudget: 1 });
    try {
      const res = await one.query('{ accounts(first: 5) { edges { node { name owner { name } } } } }');
      const codes = (res.errors ?? []).map((e: { extensions?: { code?: string; system?: string } }) => `${e.extensions?.code}:${e.extensions?.system}`);
      assert.ok(codes.length > 0, 'the request went over its budget');
      assert.ok(codes.every((c: string) => c === 'BACKEND_BUDGET_EXHAUSTED:hubspot'), JSON.stringify(res.errors));
      assert.equal(res.data.accounts.edges.length, 5, 'the page read within the budget arrives');
      assert.ok(res.data.accounts.edges.every((e: { node: { name: string | null; owner: unknown } }) => e.node.name && e.node.owner === null));
      assert.equal(one.hubspotSandbox.log.entries().length, 1, 'no call beyond the budget reached HubSpot');
    } finally {
      await one.close();
    }
  });
});
