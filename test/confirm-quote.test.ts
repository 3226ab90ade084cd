// Quote to order (R2, R3): every failed check comes back field by field, is routed
// to its owning team and writes nothing; a valid quote becomes exactly one
// confirmed Odoo order — however many concurrent calls, retries or crashes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId, odooIdOf } from '../core/ids.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { quoteByNumber } from './support/world.ts';

const CONFIRM = `mutation($q: ID!, $key: String!) {
  confirmQuote(quoteId: $q, idempotencyKey: $key) {
    status replayed
    issues { field code owningTeam message }
    order { id number state commitmentDate lines { product { sku } quantity unitPrice { amount } discount } }
    quote { number order { id } }
  }
}`;

describe('confirmQuote', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  const rep = (owner: string) => ({ role: 'sales_rep' as const, crmOwnerId: owner, sub: `rep-${owner}` });
  const odooWrites = () => stack.odooSandbox.log.entries().filter((e) => ['create', 'write', 'action_confirm'].includes(e.method));
  const hubspotWrites = () => stack.hubspotSandbox.log.entries().filter((e) => ['create', 'update', 'batch_upsert', 'associate'].includes(e.operation));
  const ordersFor = (number: string) => stack.odooSandbox.store.records('sale.order').filter((o) => o.client_order_ref === number);

  const failures: Array<[keyof TestStack['world']['demo']['exceptionQuotes'] | 'creditHold', string, string, string]> = [
    ['prospectWithoutOdooAccount', 'account', 'CROSS_REFERENCE_MISSING', 'ERP_ADMIN'],
    ['missingReference', 'account', 'CROSS_REFERENCE_MISSING', 'ERP_ADMIN'],
    ['mismatchedPair', 'account', 'CROSS_REFERENCE_MISMATCH', 'ERP_ADMIN'],
    ['outdatedPrice', 'lines[*].unitPrice', 'PRICE_BELOW_LIST', 'SALES_OPERATIONS'],
    ['unknownSku', 'lines[*].sku', 'PRODUCT_UNKNOWN', 'SALES_OPERATIONS'],
    ['inactiveProduct', 'lines[*].sku', 'PRODUCT_INACTIVE', 'SALES_OPERATIONS'],
    ['discountOverLimit', 'lines[*].discount', 'DISCOUNT_OVER_PRICELIST', 'SALES_OPERATIONS'],
    ['creditHold', 'account.creditHold', 'CREDIT_HOLD', 'FINANCE'],
  ];

  for (const [name, field, code, team] of failures) {
    test(`${name}: ${code} on ${field}, routed to ${team}, nothing written`, async () => {
      const number = name === 'creditHold' ? stack.world.demo.creditHold.quoteNumber : stack.world.demo.exceptionQuotes[name];
      const quote = quoteByNumber(stack.world, number);
      // Only approved quotes reach the product, price and credit checks; approval happens in HubSpot.
      stack.hubspotSandbox.store.get('quotes', quote.hubspotId)!.properties.hs_status = 'APPROVED';
      await stack.resetCounters();
      const res = await stack.query(CONFIRM, { q: quote.id, key: `fail-${name}` }, rep(quote.owner));
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const out = res.data.confirmQuote;
      assert.equal(out.status, 'REJECTED');
      assert.equal(out.order, null);
      const issue = out.issues.find((i: { code: string }) => i.code === code);
      assert.ok(issue, `expected ${code}, got ${JSON.stringify(out.issues)}`);
      const pattern = `^${field.split('[*]').map((part) => part.replace(/[.[\]]/g, (c) => `\\${c}`)).join('\\[\\d+\\]')}$`;
      assert.match(issue.field, new RegExp(pattern));
      assert.equal(issue.owningTeam, team);
      assert.deepEqual(odooWrites(), [], 'nothing written to Odoo');
      assert.deepEqual(hubspotWrites(), [], 'nothing written to HubSpot');
      const exceptions = await stack.query('query($t: OwningTeam) { integrationExceptions(first: 50, filter: { team: $t }) { edges { node { code team objectId field } } } }', { t: team }, { role: 'integration_admin' });
      assert.ok(exceptions.data.integrationExceptions.edges.some((e: { node: { code: string; objectId: string } }) => e.node.code === code && e.node.objectId === quote.id));
    });
  }

  test("credit figures stay with finance: the rep's issue has none, finance's exception has them", async () => {
    const quote = quoteByNumber(stack.world, stack.world.demo.creditHold.quoteNumber);
    const res = await stack.query(CONFIRM, { q: quote.id, key: 'credit-figures-1' }, rep(quote.owner));
    const issue = res.data.confirmQuote.issues.find((i: { code: string }) => i.code === 'CREDIT_HOLD');
    assert.doesNotMatch(issue.message, /\d{3}/, issue.message);
    const finance = await stack.query('{ integrationExceptions(first: 50, filter: { team: FINANCE }) { edges { node { code message detail } } } }', {}, { role: 'finance' });
    const record = finance.data.integrationExceptions.edges.find((e: { node: { code: string } }) => e.node.code === 'CREDIT_HOLD');
    assert.match(record.node.detail, new RegExp(String(stack.world.demo.creditHold.creditLimit)));
    const ops = await stack.query('{ integrationExceptions(first: 50) { edges { node { code detail } } } }', {}, { role: 'integration_admin' });
    assert.ok(ops.errors?.some((e) => e.extensions?.code === 'FORBIDDEN'), 'operations may not read the figures');
    assert.ok(!JSON.stringify(ops.data ?? {}).includes(String(stack.world.demo.creditHold.creditLimit)));
  });

  test('a draft quote is refused for not being approved before any credit, price or stock check runs', async () => {
    const draft = stack.world.hubspot.objects.quotes.find((q) => q.properties.hs_status === 'DRAFT' && !q.properties.odoo_order_id)!;
    const quote = quoteByNumber(stack.world, draft.properties.quote_number!);
    await stack.resetCounters();
    const res = await stack.query(CONFIRM, { q: quote.id, key: 'draft-gate-0001' }, rep(quote.owner));
    const codes = res.data.confirmQuote.issues.map((i: { code: string }) => i.code);
    assert.ok(codes.includes('QUOTE_NOT_APPROVED'));
    assert.deepEqual(codes.filter((c: string) => !['QUOTE_NOT_APPROVED', 'QUOTE_EXPIRED', 'QUOTE_EMPTY'].includes(c)), [], 'only the gating checks ran');
    assert.equal(stack.odooSandbox.log.count({ model: 'res.partner' }), 0, 'no credit lookup for an unapproved quote');
  });

  test('editing an approved quote sends it back for approval, so the old approval cannot confirm it', async () => {
    const approved = stack.world.hubspot.objects.quotes.find((q) => q.properties.hs_status === 'APPROVED' && !q.properties.odoo_order_id && q.properties.quote_number !== stack.world.demo.approvedQuote.quoteNumber)!;
    const quote = quoteByNumber(stack.world, approved.properties.quote_number!);
    const edit = await stack.query('mutation($id: ID!) { updateQuote(id: $id, input: { validUntil: "2030-01-01" }, idempotencyKey: "edit-approved-1") { quote { status validUntil } } }', { id: quote.id }, rep(quote.owner));
    assert.equal(edit.errors, undefined, JSON.stringify(edit.errors));
    assert.equal(edit.data.updateQuote.quote.status, 'DRAFT');
    const confirm = await stack.query(CONFIRM, { q: quote.id, key: 'edit-approved-2' }, rep(quote.owner));
    assert.equal(confirm.data.confirmQuote.status, 'REJECTED');
    assert.ok(confirm.data.confirmQuote.issues.some((i: { code: string }) => i.code === 'QUOTE_NOT_APPROVED'));
  });

  test('finance sees only finance exceptions; sales_ops only its own team', async () => {
    const finance = await stack.query('{ integrationExceptions(first: 100) { edges { node { team } } } }', {}, { role: 'finance' });
    assert.ok(finance.data.integrationExceptions.edges.length > 0);
    assert.ok(finance.data.integrationExceptions.edges.every((e: { node: { team: string } }) => e.node.team === 'FINANCE'));
    const ops = await stack.query('{ integrationExceptions(first: 100) { edges { node { team } } } }', {}, { role: 'sales_ops' });
    assert.ok(ops.data.integrationExceptions.edges.every((e: { node: { team: string } }) => e.node.team === 'SALES_OPERATIONS'));
  });

  test('a discount beyond the caller\'s authority is refused for that line', async () => {
    const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
    const maxDiscount = Math.max(...stack.world.demo.approvedQuote.lines.map((l) => l.discount));
    assert.ok(maxDiscount > 0);
    // Raise one line's discount above the sales rep's authority (15 %) but within the pricelist's maximum.
    const lineIds = new Set(stack.world.hubspot.associations.filter((a) => a.fromType === 'quotes' && a.fromId === quote.hubspotId && a.toType === 'line_items').map((a) => a.toId));
    const item = stack.hubspotSandbox.store.get('line_items', [...lineIds][0]!);
    assert.ok(item, 'line item of the approved quote');
    const original = item.properties.hs_discount_percentage;
    item.properties.hs_discount_percentage = '19';
    try {
      const res = await stack.query(CONFIRM, { q: quote.id, key: 'authority-0001' }, rep(quote.owner));
      const codes = res.data.confirmQuote.issues.map((i: { code: string }) => i.code);
      assert.ok(codes.includes('DISCOUNT_OVER_AUTHORITY') || codes.includes('DISCOUNT_OVER_PRICELIST'), JSON.stringify(codes));
      assert.equal(res.data.confirmQuote.status, 'REJECTED');
    } finally {
      item.properties.hs_discount_percentage = original ?? '0';
    }
  });

  test('another rep cannot confirm a quote it does not own', async () => {
    const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
    const other = stack.world.hubspot.owners.find((o) => o.id !== quote.owner)!.id;
    const res = await stack.query(CONFIRM, { q: quote.id, key: 'not-mine-0001' }, rep(other));
    assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  test('twenty concurrent calls with one key create exactly one confirmed order, written back to the quote', async () => {
    const demo = stack.world.demo.approvedQuote;
    const quote = quoteByNumber(stack.world, demo.quoteNumber);
    await stack.resetCounters();
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.query(CONFIRM, { q: quote.id, key: 'concurrent-0001' }, rep(quote.owner))));
    for (const r of results) assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const orderIds = new Set(results.map((r) => r.data.confirmQuote.order.id));
    assert.equal(orderIds.size, 1);
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'create' }), 1);
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'action_confirm' }), 1);
    assert.equal(ordersFor(demo.quoteNumber).length, 1);
    const out = results[0]!.data.confirmQuote;
    assert.equal(out.status, 'CONFIRMED');
    assert.equal(out.order.state, 'CONFIRMED');
    assert.equal(out.order.lines.length, demo.lines.length);
    assert.deepEqual(out.order.lines.map((l: { product: { sku: string } }) => l.product.sku).sort(), demo.lines.map((l) => l.sku).sort());
    assert.match(out.order.commitmentDate, /^\d{4}-\d{2}-\d{2}T12:00:00Z$/);
    assert.equal(out.quote.order.id, out.order.id, 'the CRM quote points at the order');
    const stored = ordersFor(demo.quoteNumber)[0]!;
    assert.equal(stored.origin, demo.quoteNumber);
    assert.equal(stored.partner_id, demo.accountOdooId);
    assert.ok(stored.payment_term_id, 'payment terms set');
    assert.ok(stored.pricelist_id, 'pricelist set');
    assert.equal(results.filter((r) => r.data.confirmQuote.replayed === false).length, 1);
  });

  test('the same key later returns the same order without touching a backend; another key too', async () => {
    const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
    await stack.resetCounters();
    const again = await stack.query(CONFIRM, { q: quote.id, key: 'concurrent-0001' }, rep(quote.owner));
    assert.equal(again.data.confirmQuote.replayed, true);
    assert.equal(stack.odooSandbox.log.count({ method: 'create' }), 0);
    const otherKey = await stack.query(CONFIRM, { q: quote.id, key: 'another-key-0001' }, rep(quote.owner));
    assert.equal(otherKey.data.confirmQuote.status, 'CONFIRMED');
    assert.equal(otherKey.data.confirmQuote.order.id, again.data.confirmQuote.order.id);
    assert.equal(stack.odooSandbox.log.count({ method: 'create' }), 0);
    assert.equal(ordersFor(stack.world.demo.approvedQuote.quoteNumber).length, 1);
  });
});

describe('confirmQuote recovers from a crash between the Odoo order and the CRM write-back', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('write-back fails: WRITE_BACK_PENDING; the retry completes it with the same order', async () => {
    const demo = stack.world.demo.approvedQuote;
    const quote = quoteByNumber(stack.world, demo.quoteNumber);
    stack.hubspotSandbox.faults.add({ kind: 'error', status: 500, objectType: 'quotes', operation: 'update' });
    const first = await stack.query(CONFIRM, { q: quote.id, key: 'crash-0001' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    stack.hubspotSandbox.faults.clear();
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.equal(first.data.confirmQuote.status, 'WRITE_BACK_PENDING');
    const orderId = first.data.confirmQuote.order.id;
    assert.equal(stack.hubspotSandbox.store.get('quotes', quote.hubspotId)!.properties.odoo_order_id ?? null, null);

    stack.odooSandbox.log.clear();
    const retry = await stack.query(CONFIRM, { q: quote.id, key: 'crash-0001' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    assert.equal(retry.data.confirmQuote.status, 'CONFIRMED');
    assert.equal(retry.data.confirmQuote.order.id, orderId);
    assert.equal(stack.odooSandbox.log.count({ method: 'create' }), 0, 'no second order');
    assert.equal(stack.hubspotSandbox.store.get('quotes', quote.hubspotId)!.properties.odoo_order_id, String(odooIdOf(orderId, 'Order')));
  });
});

describe('confirmQuote with a new key after a failed write-back', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('finishes the write-back of the existing order instead of validating the quote again', async () => {
    const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
    const as = { role: 'sales_rep' as const, crmOwnerId: quote.owner };
    stack.hubspotSandbox.faults.add({ kind: 'error', status: 500, objectType: 'quotes', operation: 'update' });
    const first = await stack.query(CONFIRM, { q: quote.id, key: 'first-key-0001' }, as);
    stack.hubspotSandbox.faults.clear();
    assert.equal(first.data.confirmQuote.status, 'WRITE_BACK_PENDING');
    stack.odooSandbox.log.clear();
    const second = await stack.query(CONFIRM, { q: quote.id, key: 'second-key-0001' }, as);
    assert.equal(second.errors, undefined, JSON.stringify(second.errors));
    assert.equal(second.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(second.data.confirmQuote.issues));
    assert.equal(second.data.confirmQuote.order.id, first.data.confirmQuote.order.id);
    assert.equal(stack.odooSandbox.log.count({ method: 'create' }) + stack.odooSandbox.log.count({ method: 'action_confirm' }), 0);
    const ex = await stack.query('{ integrationExceptions(first: 10) { totalCount } }', {}, { role: 'integration_admin' });
    assert.equal(ex.data.integrationExceptions.totalCount, 0, 'no bogus exception was raised');
  });
});

describe('confirmQuote finds an order a crashed attempt left behind', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('an order carrying the quote number is reused and confirmed, never duplicated', async () => {
    const demo = stack.world.demo.approvedQuote;
    const quote = quoteByNumber(stack.world, demo.quoteNumber);
    // A previous process created the draft order in Odoo and died before recording anything anywhere else.
    const leftOver = stack.odooSandbox.store.insert('sale.order', {
      name: 'S09001', state: 'draft', partner_id: demo.accountOdooId, company_id: demo.companyId, client_order_ref: demo.quoteNumber,
      origin: demo.quoteNumber, date_order: '2026-11-01 09:00:00', write_date: '2026-11-01 09:00:00', create_date: '2026-11-01 09:00:00',
    });
    for (const line of demo.lines) {
      stack.odooSandbox.store.insert('sale.order.line', { order_id: leftOver, product_id: line.productOdooId, name: line.sku, product_uom_qty: line.quantity, price_unit: line.price, discount: line.discount, company_id: demo.companyId });
    }
    stack.odooSandbox.log.clear();
    const res = await stack.query(CONFIRM, { q: quote.id, key: 'fresh-key-after-crash' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.confirmQuote.status, 'CONFIRMED');
    assert.equal(res.data.confirmQuote.order.id, encodeId('Order', 'odoo', leftOver));
    assert.equal(res.data.confirmQuote.order.state, 'CONFIRMED');
    assert.equal(stack.odooSandbox.log.count({ method: 'create' }), 0, 'no second order');
    assert.equal(stack.odooSandbox.log.count({ method: 'action_confirm' }), 1);
    assert.equal(stack.odooSandbox.store.records('sale.order').filter((o) => o.client_order_ref === demo.quoteNumber).length, 1);
  });
});

describe('confirmQuote trusts Odoo, not a remembered answer', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('after its order was cancelled in Odoo, confirming again (new key) creates a new order and re-links the quote', async () => {
    const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
    const as = { role: 'sales_rep' as const, crmOwnerId: quote.owner };
    const first = await stack.query(CONFIRM, { q: quote.id, key: 'cancel-first-1' }, as);
    assert.equal(first.data.confirmQuote.status, 'CONFIRMED');
    const firstOdooId = odooIdOf(first.data.confirmQuote.order.id, 'Order');
    stack.odooSandbox.store.patch('sale.order', firstOdooId, { state: 'cancel' });
    stack.odooSandbox.log.clear();
    const second = await stack.query(CONFIRM, { q: quote.id, key: 'cancel-second-1' }, as);
    assert.equal(second.errors, undefined, JSON.stringify(second.errors));
    assert.equal(second.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(second.data.confirmQuote.issues));
    assert.notEqual(second.data.confirmQuote.order.id, first.data.confirmQuote.order.id);
    assert.equal(second.data.confirmQuote.order.state, 'CONFIRMED');
    assert.equal(stack.odooSandbox.log.count({ method: 'create' }), 1);
    assert.equal(second.data.confirmQuote.quote.order.id, second.data.confirmQuote.order.id, 'the quote now points at the live order');
  });

  test('concurrent confirmations with different keys make one order and write it back once', async () => {
    const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
    stack.hubspotSandbox.store.get('quotes', quote.hubspotId)!.properties.odoo_order_id = null;
    const live = stack.odooSandbox.store.records('sale.order').filter((o) => o.client_order_ref === stack.world.demo.approvedQuote.quoteNumber && o.state !== 'cancel');
    for (const o of live) stack.odooSandbox.store.patch('sale.order', o.id, { state: 'cancel' });
    await stack.resetCounters();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => stack.query(CONFIRM, { q: quote.id, key: `parallel-key-${i}` }, { role: 'sales_rep', crmOwnerId: quote.owner })));
    for (const r of results) assert.equal(r.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(r.errors ?? r.data.confirmQuote.issues));
    assert.equal(new Set(results.map((r) => r.data.confirmQuote.order.id)).size, 1);
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'create' }), 1);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update', objectType: 'quotes' }), 1, 'written back once');
  });
});
