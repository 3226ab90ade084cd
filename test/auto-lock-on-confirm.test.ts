// "Lock Confirmed Sales" (sale.group_auto_done_setting): with the setting on, Odoo's
// action_confirm locks the order (17+: locked = True). A lock protects the order's
// LINES; the commitment date stays writable (sale.order.write has no lock check), so
// requestDeliveryDate works on locked and unlocked orders alike, through the gateway,
// while the sandbox refuses what Odoo refuses on a locked order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { createOdooClient, type OdooClient } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { quoteByNumber } from './support/world.ts';
import { failure } from './support/errors.ts';

const CONFIRM = `mutation($q: ID!, $key: String!) { confirmQuote(quoteId: $q, idempotencyKey: $key) { status issues { code message } order { id number state locked } } }`;
const DELIVERY = `mutation($o: ID!, $d: Date!, $r: String!, $key: String!) { requestDeliveryDate(orderId: $o, date: $d, reason: $r, idempotencyKey: $key) { commitmentDate order { number locked commitmentDate } } }`;

describe('auto-lock on confirm', () => {
  let stack: TestStack;
  let odoo: OdooClient;
  const ctx = { context: { allowed_company_ids: [1] } };
  before(async () => {
    stack = await startTestStack();
    odoo = createOdooClient(loadOdooConfig({
      ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database,
      ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: 'jsonrpc',
    }));
  });
  after(async () => {
    await odoo.close();
    await stack.close();
  });
  const store = () => stack.odooSandbox.store;

  test('setting on: confirmQuote leaves the order confirmed AND locked; a delivery date can still be requested', async () => {
    store().setLockConfirmedSales(true);
    try {
      const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
      const res = await stack.query(CONFIRM, { q: quote.id, key: 'autolock-confirm-1' }, { role: 'sales_rep', crmOwnerId: quote.owner, sub: 'rep-autolock' });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const out = res.data.confirmQuote;
      assert.equal(out.status, 'CONFIRMED', JSON.stringify(out.issues));
      assert.equal(out.order.state, 'CONFIRMED');
      assert.equal(out.order.locked, true);

      const date = await stack.query(DELIVERY, { o: out.order.id, d: '2027-06-01', r: 'Customer site not ready', key: 'autolock-date-1' }, { role: 'sales_ops' });
      assert.equal(date.errors, undefined, JSON.stringify(date.errors));
      assert.equal(date.data.requestDeliveryDate.order.locked, true);
      assert.equal(date.data.requestDeliveryDate.commitmentDate, '2027-06-01T12:00:00Z');
      const orderId = Number(store().records('sale.order').find((o) => o.name === out.order.number)!.id);
      assert.equal(store().get('sale.order', orderId)!.commitment_date, '2027-06-01 12:00:00');

      // What Odoo does refuse on a locked order: its lines' protected fields, and cancelling it.
      const line = store().records('sale.order.line').find((l) => l.order_id === orderId)!;
      const refused = await failure(odoo.write('sale.order.line', [line.id], { product_uom_qty: 99 }, ctx));
      assert.equal(refused.code, 'BACKEND_VALIDATION');
      assert.equal(store().get('sale.order.line', line.id)!.product_uom_qty, line.product_uom_qty);
      await failure(odoo.callMethod('sale.order', 'action_cancel', [orderId], {}, ctx));
      assert.equal(store().get('sale.order', orderId)!.state, 'sale');
      // Fields outside the protected list stay writable on the line (e.g. its lead time).
      await odoo.write('sale.order.line', [line.id], { customer_lead: 40 }, ctx);
    } finally {
      store().setLockConfirmedSales(false);
    }
  });

  test('setting off: action_confirm leaves the order unlocked; the same delivery-date request works', async () => {
    const product = store().records('product.product').find((p) => p.active && p.sale_ok && p.is_storable && p.company_id === false)!;
    const [id] = await odoo.create('sale.order', [{ partner_id: stack.world.demo.accountOdooId, company_id: 1, order_line: [[0, 0, { product_id: product.id, product_uom_qty: 1 }]] }], ctx);
    await odoo.callMethod('sale.order', 'action_confirm', [id!], {}, ctx);
    assert.equal(store().get('sale.order', id!)!.state, 'sale');
    assert.equal(store().get('sale.order', id!)!.locked ?? false, false);
    const date = await stack.query(DELIVERY, { o: encodeId('Order', 'odoo', id!), d: '2027-06-01', r: 'Customer site not ready', key: 'autolock-date-2' }, { role: 'sales_ops' });
    assert.equal(date.errors, undefined, JSON.stringify(date.errors));
    assert.equal(date.data.requestDeliveryDate.order.locked, false);
    assert.equal(store().get('sale.order', id!)!.commitment_date, '2027-06-01 12:00:00');
  });
});
