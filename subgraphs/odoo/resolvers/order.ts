import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { money } from '../../../core/money.ts';
import { DELIVERY_STATUS, INVOICE_STATUS, ORDER_STATE } from '../../../connectors/odoo/canonical.ts';
import { accountRefForPartner, amount, currencyOf, enumOf, flag, nullableEnumOf, quantity, related, relatedMany, required, settle, valueOf } from './shared.ts';
import type { OrderLineResolvers, OrderResolvers } from '../generated/resolvers-types.ts';

const M = 'sale.order';

export const Order: OrderResolvers = {
  async __resolveReference(ref: { id?: string; number?: string }, ctx) {
    if (ref.id) return ctx.loaders.orders.load(odooIdOf(ref.id, 'Order'));
    if (ref.number) return ctx.loaders.ordersByNumber.load(ref.number);
    return null;
  },
  id: (o) => encodeId('Order', 'odoo', o.id),
  number: (o) => required(M, o, 'name'),
  state: (o) => enumOf(M, ORDER_STATE, o, 'state'),
  locked: (o) => flag(o, 'locked'),
  account: (o, _, ctx) => accountRefForPartner(ctx, o),
  quote: (o) => {
    const number = valueOf<string | null>(o, 'client_order_ref');
    return number ? { __typename: 'Quote', number } : null;
  },
  async company(o, _, ctx) {
    const company = await related(o, 'company_id', (id) => ctx.loaders.companies.load(id));
    // name and currency stay per field: a malformed one fails only itself.
    return company ? { id: String(company.id), name: company.name, currency: settle(() => currencyOf(company)) } : null;
  },
  orderDate: (o) => required(M, o, 'date_order'),
  commitmentDate: (o) => o.commitment_date,
  expectedDate: (o) => o.expected_date,
  amountUntaxed: (o) => amount(o, 'amount_untaxed'),
  amountTax: (o) => amount(o, 'amount_tax'),
  amountTotal: (o) => amount(o, 'amount_total'),
  lines: (o, _, ctx) => ctx.loaders.orderLines.load(o.id),
  deliveryStatus: (o) => nullableEnumOf(M, DELIVERY_STATUS, o, 'delivery_status'),
  invoiceStatus: (o) => nullableEnumOf(M, INVOICE_STATUS, o, 'invoice_status'),
  shipments: (o, _, ctx) => ctx.loaders.shipmentsByOrder.load(o.id),
  invoices: (o, _, ctx) => relatedMany(o, 'invoice_ids', (ids) => ctx.loaders.invoices.loadMany(ids)),
  production: (o, _, ctx) => relatedMany(o, 'mrp_production_ids', (ids) => ctx.loaders.productions.loadMany(ids)),
  updatedAt: (o) => required(M, o, 'write_date'),
};

export const OrderLine: OrderLineResolvers = {
  id: (l) => encodeId('OrderLine', 'odoo', l.id),
  product: (l, _, ctx) => related(l, 'product_id', (id) => ctx.loaders.products.load(id)),
  description: (l) => valueOf<string | null>(l, 'name') ?? '',
  quantity: (l) => quantity(l, 'product_uom_qty'),
  deliveredQuantity: (l) => quantity(l, 'qty_delivered'),
  invoicedQuantity: (l) => quantity(l, 'qty_invoiced'),
  leadTimeDays: (l) => quantity(l, 'customer_lead'),
  unitPrice: (l) => amount(l, 'price_unit'),
  discount: (l) => quantity(l, 'discount'),
  subtotal: (l) => amount(l, 'price_subtotal'),
};
