// A small, hand-written Odoo dataset for the connector conformance and sandbox
// tests: every value shape of §6, three companies (one the test user may not
// use), archived records, company-dependent values, stock in several warehouses,
// orders in every state, a done delivery, posted/draft/paid invoices and refunds.
// Numbers are chosen so tests can assert exact results:
//   partner 1 credit: company 1 → 100 (INV 1) − 10 (refund of child 2) = 90; company 2 → 300
//   product 1 stock: WH1 100/80/70, WH2 20/20/20 (company 1), US1 50/45/40 (company 2)
import type { OdooDataset } from './types.ts';

export const FIXTURE_USERS = {
  /** Integration user: companies 1 and 2, accounting rights. */
  integration: { uid: 2, login: 'integration@example.com', apiKey: 'fixture-key-integration' },
  /** Sales user: company 1 only, no accounting group (cannot read credit fields). */
  sales: { uid: 6, login: 'sales@example.com', apiKey: 'fixture-key-sales' },
} as const;

export const FIXTURE_DB = 'fixture';

export function buildOdooFixture(): OdooDataset {
  const ts = '2026-01-05 08:00:00';
  return {
    database: FIXTURE_DB,
    users: [
      {
        uid: 2,
        login: FIXTURE_USERS.integration.login,
        apiKey: FIXTURE_USERS.integration.apiKey,
        companyIds: [1, 2],
        groups: ['base.group_user', 'account.group_account_invoice'],
      },
      { uid: 6, login: FIXTURE_USERS.sales.login, apiKey: FIXTURE_USERS.sales.apiKey, companyIds: [1], groups: ['base.group_user'] },
    ],
    stock: [
      { productId: 1, warehouseId: 1, onHand: 100, forecast: 80, free: 70 },
      { productId: 1, warehouseId: 2, onHand: 20, forecast: 20, free: 20 },
      { productId: 1, warehouseId: 3, onHand: 50, forecast: 45, free: 40 },
      { productId: 1, warehouseId: 4, onHand: 999, forecast: 999, free: 999 },
      { productId: 3, warehouseId: 1, onHand: 0, forecast: 5, free: 0 },
    ],
    records: {
      'res.currency': [
        { id: 1, name: 'EUR', symbol: '€', active: true, create_date: ts, write_date: ts },
        { id: 2, name: 'USD', symbol: '$', active: true, create_date: ts, write_date: ts },
      ],
      'res.company': [
        { id: 1, name: 'Nordwerk GmbH', currency_id: 1, sequence: 1, create_date: ts, write_date: ts },
        { id: 2, name: 'Nordwerk Inc.', currency_id: 2, sequence: 2, create_date: ts, write_date: ts },
        { id: 3, name: 'Secret Holding', currency_id: 1, sequence: 3, create_date: ts, write_date: ts },
      ],
      'res.users': [
        { id: 2, name: 'Integration', login: FIXTURE_USERS.integration.login, company_id: 1, company_ids: [1, 2], active: true },
        { id: 6, name: 'Sally Sales', login: FIXTURE_USERS.sales.login, company_id: 1, company_ids: [1], active: true },
      ],
      'uom.uom': [{ id: 1, name: 'Units', active: true }],
      'account.payment.term': [
        { id: 1, name: 'Immediate Payment', sequence: 1, active: true, company_id: false },
        { id: 2, name: '30 Days', sequence: 2, active: true, company_id: false },
      ],
      'product.pricelist': [
        { id: 1, name: 'EU Standard', currency_id: 1, company_id: 1, sequence: 1, active: true, x_max_discount: 15 },
        { id: 2, name: 'US Standard', currency_id: 2, company_id: 2, sequence: 2, active: true, x_max_discount: 10 },
      ],
      'account.incoterms': [
        { id: 1, name: 'EX WORKS', code: 'EXW', active: true },
        { id: 2, name: 'DELIVERED AT PLACE', code: 'DAP', active: true },
      ],
      'stock.warehouse': [
        { id: 1, name: 'Hamburg', code: 'HAM', company_id: 1, sequence: 1, active: true },
        { id: 2, name: 'Lyon', code: 'LYO', company_id: 1, sequence: 2, active: true },
        { id: 3, name: 'Chicago', code: 'CHI', company_id: 2, sequence: 1, active: true },
        { id: 4, name: 'Secret', code: 'SEC', company_id: 3, sequence: 1, active: true },
      ],
      'delivery.carrier': [{ id: 1, name: 'DHL Express', sequence: 1, active: true }],
      'res.partner': [
        {
          id: 1, name: 'Acme Corp', is_company: true, parent_id: false, ref: 'hs-101', vat: 'DE123456789', email: 'ap@acme.example',
          phone: '+49 40 1234', website: 'https://acme.example', street: 'Hafenstr. 1', city: 'Hamburg', zip: '20457', country_code: 'DE',
          company_id: false, customer_rank: 5, active: true,
          property_payment_term_id: { '1': 2, '2': 1 }, property_product_pricelist: { '1': 1, '2': 2 },
          credit_limit: { '1': 50000, '2': 20000 },
          create_date: ts, write_date: '2026-01-10 09:00:00',
        },
        {
          id: 2, name: 'Jane Doe', is_company: false, parent_id: 1, ref: false, email: 'jane@acme.example', phone: false, company_id: false,
          customer_rank: 0, active: true, create_date: ts, write_date: '2026-01-11 09:00:00',
        },
        {
          id: 3, name: 'Globex LLC', is_company: true, parent_id: false, ref: 'hs-102', vat: false, email: 'buy@globex.example', company_id: 2,
          customer_rank: 2, active: true, credit_limit: { '2': 10000 }, create_date: ts, write_date: '2026-01-12 09:00:00',
        },
        {
          id: 4, name: 'Initech (archived)', is_company: true, parent_id: false, ref: 'hs-103', company_id: false, customer_rank: 1, active: false,
          create_date: ts, write_date: '2026-01-13 09:00:00',
        },
        {
          id: 5, name: 'Umbrella Secret', is_company: true, parent_id: false, ref: 'hs-104', company_id: 3, customer_rank: 1, active: true,
          create_date: ts, write_date: '2026-01-14 09:00:00',
        },
        {
          id: 6, name: 'Hooli', is_company: true, parent_id: false, ref: false, website: 'https://hooli.example', company_id: false,
          customer_rank: 1, active: true, create_date: ts, write_date: '2026-01-10 09:00:00',
        },
      ],
      'product.product': [
        {
          id: 1, name: 'Widget', default_code: 'WID-1', list_price: 10, standard_price: { '1': 4, '2': 4.5 }, uom_id: 1, type: 'consu',
          is_storable: true, sale_ok: true, sale_delay: 5, invoice_policy: 'delivery', produce_delay: 3, company_id: false, active: true, create_date: ts, write_date: ts,
        },
        {
          id: 2, name: 'Installation', default_code: 'SRV-1', list_price: 150, uom_id: 1, type: 'service', is_storable: false, sale_ok: true,
          sale_delay: 0, invoice_policy: 'order', produce_delay: 0, company_id: false, active: true, create_date: ts, write_date: ts,
        },
        {
          id: 3, name: 'Gadget', default_code: 'GAD-1', list_price: 250, standard_price: { '1': 100 }, uom_id: 1, type: 'consu', is_storable: true,
          sale_ok: true, sale_delay: 10, produce_delay: 7, company_id: false, active: true, create_date: ts, write_date: ts,
        },
        {
          id: 4, name: 'Old Part', default_code: 'OLD-1', list_price: 1, uom_id: 1, type: 'consu', is_storable: true, sale_ok: false,
          company_id: false, active: false, create_date: ts, write_date: ts,
        },
      ],
      'sale.order': [
        {
          id: 1, name: 'S00001', state: 'draft', partner_id: 1, company_id: 1, currency_id: 1, pricelist_id: 1, payment_term_id: 2, incoterm: 2,
          client_order_ref: 'PO-778', origin: 'Q-2026-00001', date_order: '2026-02-01 09:00:00', commitment_date: '2026-03-01 08:00:00',
          create_date: ts, write_date: '2026-02-01 09:00:00',
        },
        {
          id: 2, name: 'S00002', state: 'sale', partner_id: 1, company_id: 1, currency_id: 1, pricelist_id: 1, payment_term_id: 2, incoterm: false,
          client_order_ref: false, origin: false, date_order: '2026-01-15 10:00:00', commitment_date: false,
          create_date: ts, write_date: '2026-01-20 14:30:00',
        },
        {
          id: 3, name: 'S00003', state: 'sent', partner_id: 3, company_id: 2, currency_id: 2, pricelist_id: 2, date_order: '2026-02-03 11:00:00',
          commitment_date: false, create_date: ts, write_date: '2026-02-03 11:00:00',
        },
        {
          id: 4, name: 'S00004', state: 'cancel', partner_id: 6, company_id: 1, currency_id: 1, date_order: '2026-01-02 08:00:00',
          create_date: ts, write_date: '2026-01-03 08:00:00',
        },
        {
          id: 5, name: 'S00005', state: 'draft', partner_id: 5, company_id: 3, currency_id: 1, date_order: '2026-02-05 08:00:00',
          create_date: ts, write_date: '2026-02-05 08:00:00',
        },
      ],
      'sale.order.line': [
        { id: 1, order_id: 1, company_id: 1, sequence: 10, name: '[WID-1] Widget', product_id: 1, product_uom_qty: 10, product_uom: 1, price_unit: 10, discount: 0, qty_delivered: 0, qty_invoiced: 0, currency_id: 1 },
        { id: 2, order_id: 1, company_id: 1, sequence: 20, name: 'Installation on site', product_id: 2, product_uom_qty: 1, product_uom: 1, price_unit: 150, discount: 0, qty_delivered: 0, qty_invoiced: 0, currency_id: 1 },
        { id: 3, order_id: 2, company_id: 1, sequence: 10, name: '[WID-1] Widget', product_id: 1, product_uom_qty: 5, product_uom: 1, price_unit: 10, discount: 10, qty_delivered: 5, qty_invoiced: 5, currency_id: 1 },
        { id: 4, order_id: 3, company_id: 2, sequence: 10, name: '[GAD-1] Gadget', product_id: 3, product_uom_qty: 2, product_uom: 1, price_unit: 250, discount: 0, qty_delivered: 0, qty_invoiced: 0, currency_id: 2 },
        { id: 5, order_id: 5, company_id: 3, sequence: 10, name: '[WID-1] Widget', product_id: 1, product_uom_qty: 1, product_uom: 1, price_unit: 10, discount: 0, currency_id: 1 },
      ],
      'stock.picking': [
        {
          id: 1, name: 'HAM/OUT/00001', state: 'done', priority: '0', picking_type_code: 'outgoing', partner_id: 1, sale_id: 2, company_id: 1,
          origin: 'S00002', scheduled_date: '2026-01-19 08:00:00', date_deadline: false, date_done: '2026-01-20 14:30:00', carrier_id: 1,
          carrier_tracking_ref: 'TRK-123', create_date: ts, write_date: '2026-01-20 14:30:00',
        },
      ],
      'stock.move': [
        { id: 1, picking_id: 1, company_id: 1, sequence: 10, product_id: 1, product_uom_qty: 5, quantity: 5, product_uom: 1, state: 'done' },
      ],
      'mrp.production': [
        {
          id: 1, name: 'HAM/MO/00001', priority: '0', state: 'progress', product_id: 3, product_qty: 2, qty_producing: 1, product_uom_id: 1,
          company_id: 1, origin: 'S00002', date_start: '2026-01-16 07:00:00', date_finished: false, date_deadline: '2026-01-25 16:00:00',
          create_date: ts, write_date: '2026-01-16 07:00:00',
        },
      ],
      'account.move': [
        {
          id: 1, name: 'INV/2026/00001', move_type: 'out_invoice', state: 'posted', payment_state: 'not_paid', partner_id: 1, company_id: 1,
          currency_id: 1, date: '2026-01-21', invoice_date: '2026-01-21', invoice_date_due: '2026-02-20', invoice_origin: 'S00002',
          amount_untaxed: 84.03, amount_total: 100, amount_residual: 100, invoice_payment_term_id: 2, create_date: ts, write_date: '2026-01-21 10:00:00',
        },
        {
          id: 2, name: 'RINV/2026/00001', move_type: 'out_refund', state: 'posted', payment_state: 'not_paid', partner_id: 2, company_id: 1,
          currency_id: 1, date: '2026-01-22', invoice_date: '2026-01-22', invoice_date_due: '2026-01-22', invoice_origin: 'S00002',
          amount_untaxed: 8.4, amount_total: 10, amount_residual: 10, create_date: ts, write_date: '2026-01-22 10:00:00',
        },
        {
          id: 3, name: 'INV/2026/00002', move_type: 'out_invoice', state: 'posted', payment_state: 'partial', partner_id: 1, company_id: 2,
          currency_id: 2, date: '2026-01-23', invoice_date: '2026-01-23', invoice_date_due: '2026-02-22', invoice_origin: false,
          amount_untaxed: 400, amount_total: 400, amount_residual: 300, create_date: ts, write_date: '2026-01-23 10:00:00',
        },
        {
          id: 4, name: false, move_type: 'out_invoice', state: 'draft', payment_state: 'not_paid', partner_id: 1, company_id: 1, currency_id: 1,
          date: '2026-01-24', invoice_date: false, invoice_date_due: false, invoice_origin: false, amount_untaxed: 50, amount_total: 50,
          amount_residual: 50, create_date: ts, write_date: '2026-01-24 10:00:00',
        },
        {
          id: 5, name: 'INV/2026/00003', move_type: 'out_invoice', state: 'posted', payment_state: 'paid', partner_id: 6, company_id: 1,
          currency_id: 1, date: '2026-01-02', invoice_date: '2026-01-02', invoice_date_due: '2026-01-02', invoice_origin: false,
          amount_untaxed: 20, amount_total: 20, amount_residual: 0, create_date: ts, write_date: '2026-01-02 10:00:00',
        },
      ],
    },
  };
}
