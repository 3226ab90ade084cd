// Backend calls per bench operation (issue 13): each of the read operations of
// bench/operations.ts, run through the gateway as its own caller, makes the Odoo
// calls its data needs and no more — counted from the sandbox's own request log,
// never timed. Runs on both Odoo transports (JSON-2 is Odoo 19; JSON-RPC the
// version ODOO_SANDBOX_VERSION names).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { benchOperations, type Operation } from '../bench/operations.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';
import { customerScope } from '../subgraphs/odoo/row-scope.ts';
import { accountIdFor } from '../core/ids.ts';
import type { OdooClient } from '../connectors/odoo/odoo-client.ts';

for (const protocol of ['json2', 'jsonrpc'] as const) describe(`Odoo calls per bench operation (${protocol})`, () => {
  let stack: TestStack;
  let ops: Map<string, Operation>;
  before(async () => {
    stack = await startTestStack({ odooProtocol: protocol });
    ops = new Map((await benchOperations({ world: stack.world, token: (c) => stack.token(c) })).map((o) => [o.name, o]));
    await stack.query('{ products(first: 1) { edges { node { sku } } } }'); // discovers the Odoo companies once
  });
  after(() => stack.close());

  /** Runs a bench operation on cold caches; returns its data and its Odoo calls as `model.method` → count. */
  async function run(name: string) {
    const op = ops.get(name)!;
    await stack.resetCounters();
    const res = await postGraphQL(stack.urls.gateway, op.query, op.variables, { authorization: `Bearer ${op.token}` });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const calls: Record<string, number> = {};
    for (const e of stack.odooSandbox.log.entries()) calls[`${e.model}.${e.method}`] = (calls[`${e.model}.${e.method}`] ?? 0) + 1;
    return { data: res.data, calls, entries: stack.odooSandbox.log.entries() };
  }

  test("order status (customer): the scope's partner lookup gives the account reference, the order's own links the MOs", async () => {
    const { data, calls } = await run('order status');
    assert.deepEqual(calls, {
      'res.partner.search_read': 1, // the customer's partner and contacts (row scope), with its CRM reference
      'sale.order.search_read': 1, // the order by number
      'sale.order.line.search_read': 1,
      'stock.picking.search_read': 1,
      'account.move.search_read': 1,
      'mrp.production.search_read': 1, // the MOs the order links to, no read of all the customer's orders
      'product.product.search_read': 1,
    });
    assert.equal(data.order.account.name, stack.world.demo.accountName);
    assert.equal(data.order.production[0].number, stack.world.demo.productionName);
  });

  test('quote check: free stock over all warehouses in one read, not one read per warehouse', async () => {
    const { data, calls, entries } = await run('quote check');
    assert.deepEqual(calls, {
      'res.partner.search_read': 1, // the account's credit hold
      'product.product.search_read': 1, // the lines' products by SKU
      'product.product.read': 1, // their free stock, every warehouse of the caller's companies at once
      'res.company.search_read': 1, // the currency of list prices
    });
    const stock = entries.find((e) => e.method === 'read')!;
    assert.deepEqual(Object.keys(stock.context ?? {}).filter((k) => k.startsWith('warehouse')), [], 'no warehouse key: Odoo answers the total');
    // The total is the sum of the per-warehouse figures Product.availability answers.
    for (const line of data.quote.lines as Array<{ sku: string; availability: number | null }>) {
      const res = await stack.query('query($sku: String!) { product(sku: $sku) { availability { freeToPromise } } }', { sku: line.sku }, { role: 'sales_rep' });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const perWarehouse = (res.data.product?.availability ?? []).reduce((s: number, a: { freeToPromise: number }) => s + a.freeToPromise, 0);
      assert.equal(line.availability, perWarehouse, line.sku);
    }
  });

  test('account page: each nested list of the one account is one search_read, no grouping and no count', async () => {
    const { data, calls } = await run('account page');
    assert.deepEqual(calls, {
      'res.partner.search_read': 1, // the account's partner, credit and terms
      'product.pricelist.search_read': 1, // the currency of its pricelist
      'sale.order.search_read': 1, // its first 10 orders (+1 to tell a next page)
      'account.move.search_read': 1, // its first 10 invoices (+1)
    });
    assert.ok(data.account.orders.edges.length > 0 && data.account.invoices.edges.length > 0);
  });

  test("account page's totalCount costs one search_count per list, and only when asked", async () => {
    await stack.resetCounters();
    const res = await stack.query('query($id: ID!) { account(id: $id) { orders(first: 1) { totalCount edges { node { number } } } } }', { id: stack.world.demo.accountId });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.ok(res.data.account.orders.totalCount >= 1);
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'search_count' }), 1);
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'search_read' }), 1);
  });

  test('BI page: one call per model of the page (orders, account references, lines, products)', async () => {
    const { data, calls } = await run('BI page (50 orders)');
    assert.equal(data.orders.edges.length, 50);
    assert.deepEqual(calls, {
      'sale.order.search_read': 1,
      'res.partner.search_read': 1,
      'sale.order.line.search_read': 1,
      'product.product.search_read': 1,
    });
  });
});

describe('customer row scope: MOs linked from its own orders', () => {
  const partner = { id: 10, child_ids: [11], name: 'Customer', ref: '901', parent_id: false };
  const orders = [{ id: 1, mrp_production_ids: [5, 6] }, { id: 2, mrp_production_ids: [7] }];
  function scope() {
    const reads: string[] = [];
    const client = {
      async searchRead(model: string) {
        reads.push(model);
        return model === 'res.partner' ? [partner] : orders;
      },
    } as unknown as OdooClient;
    const primed: unknown[] = [];
    const s = customerScope(accountIdFor({ crmId: '901', odooId: 10 }), client, () => ({ context: {}, requestId: 'r' }), (raw) => primed.push(raw));
    return { s, reads, primed };
  }

  test('ids an order read through the scope links to need no lookup; any other id gets the full one', async () => {
    const { s, reads, primed } = scope();
    assert.deepEqual(await s.domainFor('sale.order', []), [['partner_id', 'in', [10, 11]]]);
    assert.deepEqual(primed, [partner], "the partner lookup hands over the customer's own record");
    s.observe!('sale.order', [{ id: 1, mrp_production_ids: [5] }]);
    assert.deepEqual(await s.domainFor('mrp.production', [['id', 'in', [5]]]), [['id', 'in', [5]]]);
    assert.deepEqual(reads, ['res.partner'], 'no read of all the orders');
    // An id no observed order links to, a list, or a domain that is not a plain conjunction: the full lookup.
    assert.deepEqual(await s.domainFor('mrp.production', [['id', 'in', [5, 9]]]), [['id', 'in', [5, 6, 7]]]);
    assert.deepEqual(await s.domainFor('mrp.production', []), [['id', 'in', [5, 6, 7]]]);
    assert.deepEqual(await s.domainFor('mrp.production', ['|', ['id', 'in', [5]], ['id', '=', 9]]), [['id', 'in', [5, 6, 7]]]);
    assert.deepEqual(reads, ['res.partner', 'sale.order']);
  });

  test('only sale.order rows grant anything', async () => {
    const { s } = scope();
    s.observe!('account.move', [{ id: 1, mrp_production_ids: [9] }]);
    assert.deepEqual(await s.domainFor('mrp.production', [['id', 'in', [9]]]), [['id', 'in', [5, 6, 7]]]);
  });
});
