// The states Odoo computes, as real Odoo computes them (docs/reference/odoo-hubspot-facts.md
// §2–§5), read through the gateway: delivery_status over every picking of the order
// (a done pick step with nothing delivered is STARTED), invoice_status by each
// product's invoicing policy, the expected date from each LINE's lead time and the
// shipping policy, and Odoo 18's `blocked` payment state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { createOdooClient, type OdooClient } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { PAYMENT_STATE } from '../connectors/odoo/canonical.ts';
import { PAYMENT_STATES } from '../policy/vocabulary.ts';
import { SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import type { StoredRecord } from '../sandboxes/odoo/types.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const ORDER = `query($id: ID!) { order(id: $id) {
  state orderDate expectedDate deliveryStatus invoiceStatus lines { leadTimeDays product { sku customerLeadTimeDays } }
} }`;

describe('Odoo computed states', () => {
  let stack: TestStack;
  let odoo: OdooClient;
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
  /** Saleable, stock-tracked products of company 1 with the given invoicing policy, longest lead time first. */
  const goods = (policy: 'order' | 'delivery'): StoredRecord[] => store().records('product.product')
    .filter((p) => p.active && p.sale_ok && p.is_storable && (p.company_id === false || p.company_id === 1) && p.invoice_policy === policy)
    .sort((a, b) => Number(b.sale_delay) - Number(a.sale_delay) || a.id - b.id);
  const createOrder = async (products: StoredRecord[], extra: Record<string, unknown> = {}) => {
    const [id] = await odoo.create('sale.order', [{
      partner_id: stack.world.demo.accountOdooId, company_id: 1, ...extra,
      order_line: products.map((p) => [0, 0, { product_id: p.id, product_uom_qty: 2 }]),
    }], { context: { allowed_company_ids: [1] } });
    return id!;
  };
  const read = async (id: number) => {
    const res = await stack.query(ORDER, { id: encodeId('Order', 'odoo', id) });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data.order;
  };
  const linesOf = (orderId: number) => store().records('sale.order.line').filter((l) => l.order_id === orderId).sort((a, b) => a.id - b.id);
  const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();
  const sameInstant = (a: string, b: string) => assert.equal(Date.parse(a), Date.parse(b), `${a} vs ${b}`);

  test('a line starts with its product\'s lead time; a lead time edited on the line drives the expected date', async () => {
    const [slow, fast] = [goods('delivery')[0]!, goods('delivery').at(-1)!];
    assert.ok(Number(slow.sale_delay) > Number(fast.sale_delay) + 2, 'two products with different lead times');
    const id = await createOrder([slow, fast]);
    await odoo.callMethod('sale.order', 'action_confirm', [id], {}, { context: { allowed_company_ids: [1] } });
    let order = await read(id);
    assert.deepEqual(order.lines.map((l: { leadTimeDays: number; product: { customerLeadTimeDays: number } }) => l.leadTimeDays),
      order.lines.map((l: { product: { customerLeadTimeDays: number } }) => l.product.customerLeadTimeDays), 'customer_lead defaults from sale_delay');
    // Shipping policy "as soon as possible" (direct): the earliest line.
    sameInstant(order.expectedDate, plusDays(order.orderDate, Number(fast.sale_delay)));

    // Sales promises the fast product later than its catalogue lead time: only the line changes.
    const lead = Number(slow.sale_delay) + 3;
    const fastLine = linesOf(id).find((l) => l.product_id === fast.id)!;
    await odoo.write('sale.order.line', [fastLine.id], { customer_lead: lead }, { context: { allowed_company_ids: [1] } });
    order = await read(id);
    sameInstant(order.expectedDate, plusDays(order.orderDate, Number(slow.sale_delay)));
    assert.ok(order.lines.some((l: { leadTimeDays: number; product: { sku: string; customerLeadTimeDays: number } }) => l.product.sku === fast.default_code && l.leadTimeDays === lead && l.product.customerLeadTimeDays === fast.sale_delay));

    // "When all products are ready" (one): the latest line, which is now the edited one.
    await odoo.write('sale.order', [id], { picking_policy: 'one' }, { context: { allowed_company_ids: [1] } });
    sameInstant((await read(id)).expectedDate, plusDays(order.orderDate, lead));

    // Odoo recomputes customer_lead only when the line's product changes.
    const third = goods('delivery').find((p) => p.id !== slow.id && p.id !== fast.id && Number(p.sale_delay) !== lead)!;
    await odoo.write('sale.order.line', [fastLine.id], { product_id: third.id }, { context: { allowed_company_ids: [1] } });
    assert.equal(store().get('sale.order.line', fastLine.id)!.customer_lead, third.sale_delay);
  });

  test('requestDeliveryDate bounds the date by the lines\' own lead times, not the products\' catalogue lead times', async () => {
    const product = goods('delivery')[0]!;
    assert.ok(Number(product.sale_delay) >= 10);
    const id = await createOrder([product]);
    await odoo.callMethod('sale.order', 'action_confirm', [id], {}, { context: { allowed_company_ids: [1] } });
    // The customer collects from stock already set aside: sales shortens this line's lead time to 2 days.
    await odoo.write('sale.order.line', [linesOf(id)[0]!.id], { customer_lead: 2 }, { context: { allowed_company_ids: [1] } });
    const DELIVERY = 'mutation($o: ID!, $d: Date!, $key: String!) { requestDeliveryDate(orderId: $o, date: $d, reason: "site ready early", idempotencyKey: $key) { earliestPossibleDate commitmentDate } }';
    const early = await stack.query(DELIVERY, { o: encodeId('Order', 'odoo', id), d: '2026-11-02', key: 'line-lead-1' }, { role: 'sales_ops' });
    assert.equal(early.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(early.errors![0]!.message, /2026-11-03/);
    const ok = await stack.query(DELIVERY, { o: encodeId('Order', 'odoo', id), d: '2026-11-05', key: 'line-lead-2' }, { role: 'sales_ops' });
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    assert.equal(ok.data.requestDeliveryDate.earliestPossibleDate, '2026-11-03');
    assert.equal(store().get('sale.order', id)!.commitment_date, '2026-11-05 12:00:00');
  });

  test('delivery status counts every picking: a done pick step with nothing delivered is STARTED, not PARTIALLY_DELIVERED', async () => {
    const product = goods('delivery')[0]!;
    const id = await createOrder([product]);
    await odoo.callMethod('sale.order', 'action_confirm', [id], {}, { context: { allowed_company_ids: [1] } });
    assert.equal((await read(id)).deliveryStatus, 'NOT_DELIVERED');
    const out = store().records('stock.picking').find((p) => p.sale_id === id)!;
    // The pick step of a two-step route (stock → output), validated; the OUT picking still waits.
    store().insert('stock.picking', {
      name: `LPZ/PICK/T${id}`, state: 'done', picking_type_code: 'internal', sale_id: id, company_id: 1, partner_id: stack.world.demo.accountOdooId,
      origin: out.origin, scheduled_date: out.scheduled_date, date_done: out.scheduled_date,
    });
    assert.equal((await read(id)).deliveryStatus, 'STARTED');
    const [line] = linesOf(id);
    await odoo.write('sale.order.line', [line!.id], { qty_delivered: 1 }, { context: { allowed_company_ids: [1] } });
    assert.equal((await read(id)).deliveryStatus, 'PARTIALLY_DELIVERED');
    await odoo.write('stock.picking', [out.id], { state: 'done', date_done: out.scheduled_date }, { context: { allowed_company_ids: [1] } });
    assert.equal((await read(id)).deliveryStatus, 'FULLY_DELIVERED');
  });

  test('the seeded two-step order reads STARTED', async () => {
    const order = store().records('sale.order').find((o) => o.name === stack.world.demo.startedOrderNumber)!;
    const pickings = store().records('stock.picking').filter((p) => p.sale_id === order.id);
    assert.deepEqual(pickings.map((p) => `${p.picking_type_code}:${p.state}`).sort(), ['internal:done', 'outgoing:assigned']);
    assert.equal((await read(order.id)).deliveryStatus, 'STARTED');
  });

  test('invoice status follows each product\'s invoicing policy: ordered quantities at once, delivered ones after delivery', async () => {
    assert.ok(goods('order').length && goods('delivery').length, 'the world sells products of both policies');
    const byOrder = await createOrder([goods('order')[0]!]);
    const byDelivery = await createOrder([goods('delivery')[0]!]);
    assert.equal((await read(byOrder)).invoiceStatus, 'NOTHING_TO_INVOICE', 'a quotation has nothing to invoice');
    await odoo.callMethod('sale.order', 'action_confirm', [byOrder, byDelivery], {}, { context: { allowed_company_ids: [1] } });
    assert.equal((await read(byOrder)).invoiceStatus, 'TO_INVOICE');
    assert.equal((await read(byDelivery)).invoiceStatus, 'NOTHING_TO_INVOICE');
    await odoo.write('sale.order.line', [linesOf(byDelivery)[0]!.id], { qty_delivered: 1 }, { context: { allowed_company_ids: [1] } });
    assert.equal((await read(byDelivery)).invoiceStatus, 'TO_INVOICE');
    // Invoiced as ordered, then more delivered than ordered: an upsell opportunity.
    // (qty_invoiced is computed from posted invoices in Odoo: set here as an invoice would.)
    store().patch('sale.order.line', linesOf(byOrder)[0]!.id, { qty_invoiced: 2 });
    await odoo.write('sale.order.line', [linesOf(byOrder)[0]!.id], { qty_delivered: 3 }, { context: { allowed_company_ids: [1] } });
    assert.equal((await read(byOrder)).invoiceStatus, 'UPSELLING');
  });

  test('an invoice whose payment finance blocked (Odoo 18+) reads BLOCKED and can be filtered on', async () => {
    const res = await stack.query('{ invoices(first: 50, filter: { paymentState: [BLOCKED] }) { edges { node { number paymentState amountResidual { amount } amountTotal { amount } } } } }');
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const nodes = res.data.invoices.edges.map((e: { node: unknown }) => e.node);
    // Before 18 Odoo has no `blocked`: the seeded invoice is simply not paid there, and a
    // BLOCKED filter matches nothing (never the not-paid invoices).
    if (stack.odooSandbox.version < 18) {
      assert.equal(nodes.length, 0);
      return;
    }
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].paymentState, 'BLOCKED');
    assert.equal(nodes[0].amountResidual.amount, nodes[0].amountTotal.amount, 'blocked means still owed in full');
  });

  test('free stock without a warehouse counts the active warehouses of the allowed companies only, as Odoo\'s Warehouse.search does', async () => {
    const wh = store().records('stock.warehouse').find((w) => w.company_id === 1 && w.active !== false)!;
    const product = store().stock.find((s) => s.warehouseId === wh.id && s.free > 0)!;
    const freeQty = async (context: Record<string, unknown> = {}) =>
      Number((await odoo.read('product.product', [product.productId], ['free_qty'], { context: { allowed_company_ids: [1], ...context } }))[0]!.free_qty);
    const total = await freeQty();
    const inWh = await freeQty({ warehouse_id: wh.id });
    assert.ok(inWh > 0 && total >= inWh);
    store().patch('stock.warehouse', wh.id, { active: false });
    try {
      assert.equal(await freeQty(), total - inWh, 'the archived warehouse left the total');
      assert.equal(await freeQty({ warehouse_id: wh.id }), inWh, 'asked by id, it still answers for itself');
    } finally {
      store().patch('stock.warehouse', wh.id, { active: true });
    }
  });

  test('the canonical payment states, the Odoo mapping and the schema enum agree', () => {
    const schema = readFileSync(new URL('../subgraphs/odoo/schema.graphql', import.meta.url), 'utf8');
    const block = /enum PaymentState \{([^}]*)\}/.exec(schema)![1]!;
    const values = block.split('\n').map((l) => l.trim()).filter((l) => /^[A-Z_]+$/.test(l));
    assert.deepEqual(values, [...PAYMENT_STATES]);
    assert.deepEqual([...new Set(Object.values(PAYMENT_STATE))].sort(), [...PAYMENT_STATES].sort());
  });
});
