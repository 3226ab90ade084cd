// The sales portal's question — "where is my order?" — answered in one response:
// state, lines, shipments, invoices and production from Odoo, the account's name
// from HubSpot. Runs on both Odoo transports, over the wire end to end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ORDER_STATUS_QUERY } from '../scripts/examples.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

for (const protocol of ['json2', 'jsonrpc'] as const) {
  describe(`order status through the gateway (Odoo ${protocol})`, () => {
    let stack: TestStack;
    before(async () => {
      stack = await startTestStack({ odooProtocol: protocol });
    });
    after(() => stack.close());

    test('returns Odoo state, lines, shipments, invoices and production with the HubSpot account name', async () => {
      const demo = stack.world.demo;
      await stack.resetCounters();
      const res = await stack.query(ORDER_STATUS_QUERY, { number: demo.orderNumber });
      assert.equal(res.status, 200);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const order = res.data.order;
      assert.equal(order.number, demo.orderNumber);
      assert.equal(order.state, 'CONFIRMED');
      assert.equal(order.account.name, demo.accountName);
      assert.ok(order.lines.length >= 3);
      for (const line of order.lines) assert.match(line.product.sku, /^NW-/);
      assert.ok(order.shipments.some((s: { number: string; state: string }) => s.number === demo.pickingDoneName && s.state === 'DONE'));
      assert.ok(order.shipments.some((s: { number: string; state: string }) => s.number === demo.pickingAssignedName && s.state === 'READY'));
      const invoice = order.invoices.find((i: { number: string }) => i.number === demo.invoiceNumber);
      assert.equal(invoice.paymentState, 'PARTIAL');
      assert.ok(invoice.amountResidual.amount > 0);
      assert.equal(order.production[0].number, demo.productionName);
      assert.equal(order.production[0].state, 'IN_PROGRESS');
      // The data really came from both systems, over their wire protocols.
      assert.ok(stack.odooSandbox.log.entries().every((e) => e.transport === protocol));
      assert.equal(stack.odooSandbox.log.count({ model: 'sale.order' }), 1);
      assert.equal(stack.hubspotSandbox.log.count({ operation: 'batch_read', objectType: 'companies' }), 1);
    });

    test('Odoo values arrive canonical: ISO instants, enums, money with currency, null for empty', async () => {
      const res = await stack.query(ORDER_STATUS_QUERY, { number: stack.world.demo.orderNumber });
      const order = res.data.order;
      assert.match(order.orderDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.match(order.deliveryStatus, /^(NOT_DELIVERED|STARTED|PARTIALLY_DELIVERED|FULLY_DELIVERED)$/);
      assert.equal(order.amountTotal.currency, 'EUR');
      const ready = order.shipments.find((s: { state: string }) => s.state === 'READY');
      assert.equal(ready.doneDate, null); // Odoo says false
      assert.match(order.invoices[0].dueDate, /^\d{4}-\d{2}-\d{2}$/);
    });

    test('the request id is accepted, returned, and carried into every backend call', async () => {
      await stack.resetCounters();
      const requestId = `test-${protocol}-0123456789`;
      const token = await stack.token({ sub: 'rid', roles: ['finance'] });
      const res = await fetch(stack.urls.gateway, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: ORDER_STATUS_QUERY, variables: { number: stack.world.demo.orderNumber } }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-request-id'), requestId);
      const odooCalls = stack.odooSandbox.log.entries();
      const hubspotCalls = stack.hubspotSandbox.log.entries();
      assert.ok(odooCalls.length > 0 && hubspotCalls.length > 0);
      assert.deepEqual(new Set(odooCalls.map((e) => e.requestId)), new Set([requestId]));
      assert.deepEqual(new Set(hubspotCalls.map((e) => e.requestId)), new Set([requestId]));
    });

    test('an unknown order number is null, not an error', async () => {
      const res = await stack.query('{ order(number: "S99999") { number } }');
      assert.equal(res.errors, undefined);
      assert.equal(res.data.order, null);
    });

    test('order(id) and order(number) agree; giving neither or both is BAD_USER_INPUT', async () => {
      const byNumber = await stack.query('query($n: String!) { order(number: $n) { id number } }', { n: stack.world.demo.orderNumber });
      const byId = await stack.query('query($id: ID!) { order(id: $id) { id number } }', { id: byNumber.data.order.id });
      assert.deepEqual(byId.data.order, byNumber.data.order);
      const neither = await stack.query('{ order { number } }');
      assert.equal(neither.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      const badId = await stack.query('{ order(id: "not-an-id") { number } }');
      assert.equal(badId.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(badId.errors?.[0]?.extensions?.field, 'id');
    });
  });
}
