// Speed from the start: 50 orders with account names, lines with products,
// shipments and invoices cost one backend call per model per nesting level —
// counted from the sandboxes' own request logs, never timed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';

const FIFTY_ORDERS = `{
  orders(first: 50) {
    edges { node {
      number
      account { name }
      lines { product { sku name } quantity }
      shipments { number state lines { product { sku } quantity } }
      invoices { number paymentState }
    } }
  }
}`;

function odooCounts(stack: TestStack): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of stack.odooSandbox.log.entries()) out[`${e.model}.${e.method}`] = (out[`${e.model}.${e.method}`] ?? 0) + 1;
  return out;
}

describe('batching: backend calls per query', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
    await stack.query('{ products(first: 1) { edges { node { sku } } } }'); // discovers the Odoo companies once
  });
  after(() => stack.close());

  test('50 orders with accounts, lines, products, shipments and invoices: one call per model per level', async () => {
    await stack.resetCounters();
    const res = await stack.query(FIFTY_ORDERS);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const orders = res.data.orders.edges.map((e: { node: unknown }) => e.node);
    assert.equal(orders.length, 50);
    assert.ok(orders.every((o: { account: { name: string } | null }) => o.account?.name));
    assert.ok(orders.some((o: { shipments: unknown[] }) => o.shipments.length > 0));
    assert.ok(orders.some((o: { invoices: unknown[] }) => o.invoices.length > 0));
    assert.deepEqual(odooCounts(stack), {
      'sale.order.search_read': 1,
      'res.partner.search_read': 1, // the account cross-reference of all 50 orders
      'sale.order.line.search_read': 1,
      'stock.picking.search_read': 1,
      'stock.move.search_read': 1,
      'account.move.search_read': 1,
      'product.product.search_read': 1, // products of order lines and shipment lines together
    });
    const hubspot = stack.hubspotSandbox.log.entries();
    assert.deepEqual(hubspot.map((e) => `${e.operation}:${e.objectType}`), ['batch_read:companies']);
    assert.ok((hubspot[0]!.inputs ?? 0) <= 50);
  });

  test('a quote card by number: the quote with its account and line ids in one get, then the lines and the account', async () => {
    const { QUOTE_CHECK_QUERY } = await import('../scripts/examples.ts');
    await stack.resetCounters();
    const res = await stack.query(QUOTE_CHECK_QUERY, { number: stack.world.demo.quoteNumber }, { role: 'sales_rep' });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const quote = res.data.quote;
    assert.ok(quote.account?.name, 'the account came through the brought association');
    assert.ok(quote.lines.length > 0 && quote.lines.every((l: { sku: string | null }) => l.sku), 'the lines came through the brought association');
    const hubspot = stack.hubspotSandbox.log.entries().map((e) => `${e.operation}:${e.objectType}`).sort();
    // Was 5: batch_read quotes by number, two v4 association reads, the lines, the account.
    assert.deepEqual(hubspot, ['batch_read:companies', 'batch_read:line_items', 'get:quotes']);
  });

  test('totalCount costs one search_count, and only when asked', async () => {
    await stack.resetCounters();
    await stack.query('{ orders(first: 5) { edges { node { number } } } }');
    assert.equal(stack.odooSandbox.log.count({ method: 'search_count' }), 0);
    await stack.query('{ orders(first: 5) { totalCount edges { node { number } } } }');
    assert.equal(stack.odooSandbox.log.count({ method: 'search_count' }), 1);
  });

  test('master data is cached across requests; live stock is not', async () => {
    const cached = await startTestStack({ cacheTtlMs: 60_000 });
    try {
      const q = '{ product(sku: "NW-PMP-1003") { name availability { warehouse freeToPromise } } }';
      await cached.query(q);
      cached.odooSandbox.log.clear();
      const res = await cached.query(q);
      assert.equal(res.errors, undefined);
      assert.equal(cached.odooSandbox.log.count({ model: 'product.product', method: 'search_read' }), 0, 'product master data came from the cache');
      assert.ok(cached.odooSandbox.log.count({ model: 'product.product', method: 'read' }) >= 1, 'stock figures were read live');
    } finally {
      await cached.close();
    }
  });
});
