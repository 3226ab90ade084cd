// CRM extension writes: a quote built in HubSpot whose lines show Odoo's list
// price, free stock and earliest delivery date; a delivery-date request checked
// against order state and lead times before Odoo's commitment date changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { startTestStack, type Caller, type TestStack } from './support/stack.ts';
import { companyOwner, otherOwner } from './support/world.ts';

const CREATE_QUOTE = `mutation($input: QuoteCreateInput!, $key: String!) {
  createQuote(input: $input, idempotencyKey: $key) {
    replayed
    quote { id number status account { name } lines { sku quantity unitPrice { amount currency } discount listPrice { amount } availability earliestDeliveryDate } }
  }
}`;
const UPDATE_QUOTE = `mutation($id: ID!, $input: QuoteUpdateInput!, $key: String!, $e: DateTime) { updateQuote(id: $id, input: $input, idempotencyKey: $key, expectedUpdatedAt: $e) { quote { title status requestedDeliveryDate updatedAt } } }`;
const DELIVERY = `mutation($o: ID!, $d: Date!, $r: String!, $key: String!) { requestDeliveryDate(orderId: $o, date: $d, reason: $r, idempotencyKey: $key) { commitmentDate earliestPossibleDate replayed order { number commitmentDate } } }`;

describe('quotes and delivery dates', () => {
  let stack: TestStack;
  let rep: Caller;
  before(async () => {
    stack = await startTestStack();
    rep = { role: 'sales_rep', crmOwnerId: companyOwner(stack.world, stack.world.demo.accountHubSpotId), sub: 'rep-elbtal' };
  });
  after(() => stack.close());

  const input = () => ({
    account: stack.world.demo.accountId, title: 'Pump set for line 4', currency: 'EUR', validUntil: '2026-12-31', requestedDeliveryDate: '2027-01-15', incoterm: 'DAP',
    lines: [{ sku: stack.world.demo.productSku, quantity: 2, unitPrice: 21000, discount: 5 }, { sku: stack.world.demo.approvedQuote.lines[0]!.sku, quantity: 3, unitPrice: 900 }],
  });

  test('createQuote makes a draft quote in HubSpot with live Odoo price, stock and delivery date per line', async () => {
    await stack.resetCounters();
    const res = await stack.query(CREATE_QUOTE, { input: input(), key: 'create-quote-0001' }, rep);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const quote = res.data.createQuote.quote;
    assert.equal(quote.status, 'DRAFT');
    assert.match(quote.number, /^Q-\d{4}-W[0-9A-F]{8}$/);
    assert.equal(quote.account.name, stack.world.demo.accountName);
    assert.equal(quote.lines.length, 2);
    for (const line of quote.lines) {
      assert.equal(typeof line.listPrice.amount, 'number');
      assert.equal(typeof line.availability, 'number');
      assert.match(line.earliestDeliveryDate, /^\d{4}-\d{2}-\d{2}$/);
    }
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'quotes' }), 1);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'line_items' }), 2);
    assert.equal(stack.odooSandbox.log.entries().filter((e) => e.method === 'create' || e.method === 'write').length, 0, 'a quote is CRM-owned: nothing written to Odoo');
  });

  test('createQuote retried with the same key returns the same quote and creates nothing', async () => {
    await stack.resetCounters();
    const res = await stack.query(CREATE_QUOTE, { input: input(), key: 'create-quote-0001' }, rep);
    assert.equal(res.data.createQuote.replayed, true);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create' }), 0);
  });

  test('updateQuote changes the header; a stale expectedUpdatedAt is a CONFLICT', async () => {
    const created = await stack.query(CREATE_QUOTE, { input: input(), key: 'create-quote-0002' }, rep);
    const id = created.data.createQuote.quote.id;
    const ok = await stack.query(UPDATE_QUOTE, { id, input: { title: 'Pump set, revised', status: 'PENDING_APPROVAL' }, key: 'update-quote-0001' }, rep);
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    assert.equal(ok.data.updateQuote.quote.title, 'Pump set, revised');
    assert.equal(ok.data.updateQuote.quote.status, 'PENDING_APPROVAL');
    const stale = await stack.query(UPDATE_QUOTE, { id, input: { title: 'Older edit' }, key: 'update-quote-0002', e: '2020-01-01T00:00:00Z' }, rep);
    assert.equal(stale.errors?.[0]?.extensions?.code, 'CONFLICT');
    const notMine = await stack.query(UPDATE_QUOTE, { id, input: { title: 'Not mine' }, key: 'update-quote-0003' }, { role: 'sales_rep', crmOwnerId: otherOwner(stack.world, rep.crmOwnerId!) });
    assert.equal(notMine.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  test('updateQuote replaces the lines: new ones created and linked, old ones archived, once per key', async () => {
    const created = await stack.query(CREATE_QUOTE, { input: input(), key: 'create-quote-0003' }, rep);
    const id = created.data.createQuote.quote.id;
    const newLines = [{ sku: stack.world.demo.productSku, quantity: 5, unitPrice: 21000, discount: 2 }];
    await stack.resetCounters();
    const res = await stack.query(`mutation($id: ID!, $input: QuoteUpdateInput!, $key: String!) { updateQuote(id: $id, input: $input, idempotencyKey: $key) { quote { lines { sku quantity discount } } } }`, { id, input: { lines: newLines }, key: 'replace-lines-0001' }, rep);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(res.data.updateQuote.quote.lines, [{ sku: stack.world.demo.productSku, quantity: 5, discount: 2 }]);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'line_items' }), 1);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'archive', objectType: 'line_items' }), 2);
    await stack.resetCounters();
    const again = await stack.query(`mutation($id: ID!, $input: QuoteUpdateInput!, $key: String!) { updateQuote(id: $id, input: $input, idempotencyKey: $key) { replayed } }`, { id, input: { lines: newLines }, key: 'replace-lines-0001' }, rep);
    assert.equal(again.data.updateQuote.replayed, true);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create' }) + stack.hubspotSandbox.log.count({ operation: 'archive' }), 0);
    const unknown = await stack.query(`mutation($id: ID!, $input: QuoteUpdateInput!, $key: String!) { updateQuote(id: $id, input: $input, idempotencyKey: $key) { replayed } }`, { id, input: { lines: [{ sku: 'NW-NOPE-1', quantity: 1, unitPrice: 1 }] }, key: 'replace-lines-0002' }, rep);
    assert.equal(unknown.errors?.[0]?.extensions?.field, 'input.lines[0].sku');
  });

  test('requestDeliveryDate sets Odoo\'s commitment date when lead times allow it', async () => {
    const order = encodeId('Order', 'odoo', stack.world.demo.orderId);
    await stack.resetCounters();
    const res = await stack.query(DELIVERY, { o: order, d: '2027-02-01', r: 'Site not ready before February', key: 'delivery-0001' }, { role: 'sales_ops' });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.requestDeliveryDate.commitmentDate, '2027-02-01T12:00:00Z');
    assert.equal(res.data.requestDeliveryDate.order.commitmentDate, '2027-02-01T12:00:00Z');
    assert.equal(stack.odooSandbox.store.get('sale.order', stack.world.demo.orderId)!.commitment_date, '2027-02-01 12:00:00');
    const writes = stack.odooSandbox.log.entries({ method: 'write' });
    assert.deepEqual(writes.map((w) => [w.model, Object.keys((w.params as { vals: object }).vals)]), [['sale.order', ['commitment_date']]]);
  });

  test('a date earlier than today plus lead time, or a cancelled order, is refused and nothing written', async () => {
    const order = encodeId('Order', 'odoo', stack.world.demo.orderId);
    await stack.resetCounters();
    const early = await stack.query(DELIVERY, { o: order, d: '2026-11-01', r: 'ASAP', key: 'delivery-0002' }, { role: 'sales_ops' });
    assert.equal(early.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(early.errors?.[0]?.extensions?.field, 'date');
    assert.match(early.errors![0]!.message, /lead time/);
    const cancelled = stack.world.odoo.records['sale.order']!.find((o) => o.state === 'cancel')!;
    const res = await stack.query(DELIVERY, { o: encodeId('Order', 'odoo', cancelled.id), d: '2027-03-01', r: 'Please', key: 'delivery-0003' }, { role: 'sales_ops' });
    assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(res.errors![0]!.message, /cancelled/);
    assert.equal(stack.odooSandbox.log.count({ method: 'write' }), 0);
  });

  test('a draft order, or an order outside the caller\'s companies, is refused and nothing written', async () => {
    await stack.resetCounters();
    const draft = stack.world.odoo.records['sale.order']!.find((o) => o.state === 'draft')!;
    const res = await stack.query(DELIVERY, { o: encodeId('Order', 'odoo', draft.id), d: '2027-03-01', r: 'Please', key: 'delivery-0005' }, { role: 'sales_ops' });
    assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(res.errors![0]!.message, /not confirmed/);
    const inCompany2 = stack.world.odoo.records['sale.order']!.find((o) => o.company_id === 2 && o.state === 'sale' && o.delivery_status !== 'full' && !o.locked)!;
    const none = await stack.query(DELIVERY, { o: encodeId('Order', 'odoo', inCompany2.id), d: '2027-03-01', r: 'Please', key: 'delivery-0006' }, { role: 'sales_ops', companyIds: [99] });
    assert.equal(none.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const other = await stack.query(DELIVERY, { o: encodeId('Order', 'odoo', inCompany2.id), d: '2027-03-01', r: 'Please', key: 'delivery-0007' }, { role: 'sales_ops', companyIds: [1] });
    assert.equal(other.errors?.[0]?.extensions?.code, 'NOT_FOUND', 'an order of a company the caller may not use does not exist for it');
    assert.equal(stack.odooSandbox.log.count({ method: 'write' }), 0);
  });

  test('finance and customers may not request delivery dates', async () => {
    const order = encodeId('Order', 'odoo', stack.world.demo.orderId);
    for (const as of [{ role: 'finance' as const }, { role: 'customer' as const, accountId: stack.world.demo.accountId }]) {
      const res = await stack.query(DELIVERY, { o: order, d: '2027-03-01', r: 'Please', key: 'delivery-0004' }, as);
      assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN', as.role);
    }
  });
});
