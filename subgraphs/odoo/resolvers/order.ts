import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { money } from '../../../core/money.ts';
import { DELIVERY_STATUS, INVOICE_STATUS, ORDER_STATE } from '../../../connectors/odoo/canonical.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { accountRefForPartner, amount, currencyOf, enumOf, nullableEnumOf, required } from './shared.ts';

const M = 'sale.order';

export const Order = {
  async __resolveReference(ref: { id?: string; number?: string }, ctx: OdooSubgraphContext) {
    if (ref.id) return ctx.loaders.orders.load(odooIdOf(ref.id, 'Order'));
    if (ref.number) return ctx.loaders.ordersByNumber.load(ref.number);
    return null;
  },
  id: (o: OdooRow) => encodeId('Order', 'odoo', o.id),
  number: (o: OdooRow) => required(M, o, 'name'),
  state: (o: OdooRow) => enumOf(M, ORDER_STATE, o, 'state'),
  locked: (o: OdooRow) => o.locked === true,
  account: (o: OdooRow, _: unknown, ctx: OdooSubgraphContext) => accountRefForPartner(ctx, o.partner_id?.id),
  quote: (o: OdooRow) => (o.client_order_ref ? { __typename: 'Quote', number: o.client_order_ref } : null),
  async company(o: OdooRow, _: unknown, ctx: OdooSubgraphContext) {
    const company = o.company_id ? await ctx.loaders.companies.load(o.company_id.id) : null;
    return company ? { id: String(company.id), name: company.name, currency: currencyOf(company) } : null;
  },
  orderDate: (o: OdooRow) => required(M, o, 'date_order'),
  commitmentDate: (o: OdooRow) => o.commitment_date,
  expectedDate: (o: OdooRow) => o.expected_date,
  amountUntaxed: (o: OdooRow) => amount(o, 'amount_untaxed'),
  amountTax: (o: OdooRow) => amount(o, 'amount_tax'),
  amountTotal: (o: OdooRow) => amount(o, 'amount_total'),
  lines: (o: OdooRow, _: unknown, ctx: OdooSubgraphContext) => ctx.loaders.orderLines.load(o.id),
  deliveryStatus: (o: OdooRow) => nullableEnumOf(M, DELIVERY_STATUS, o, 'delivery_status'),
  invoiceStatus: (o: OdooRow) => nullableEnumOf(M, INVOICE_STATUS, o, 'invoice_status'),
  shipments: (o: OdooRow, _: unknown, ctx: OdooSubgraphContext) => ctx.loaders.shipmentsByOrder.load(o.id),
  async invoices(o: OdooRow, _: unknown, ctx: OdooSubgraphContext) {
    const rows = await ctx.loaders.invoices.loadMany(o.invoice_ids ?? []);
    return rows.filter((r): r is OdooRow => r != null && !(r instanceof Error));
  },
  async production(o: OdooRow, _: unknown, ctx: OdooSubgraphContext) {
    const rows = await ctx.loaders.productions.loadMany(o.mrp_production_ids ?? []);
    return rows.filter((r): r is OdooRow => r != null && !(r instanceof Error));
  },
  updatedAt: (o: OdooRow) => required(M, o, 'write_date'),
};

export const OrderLine = {
  id: (l: OdooRow) => encodeId('OrderLine', 'odoo', l.id),
  product: (l: OdooRow, _: unknown, ctx: OdooSubgraphContext) => (l.product_id ? ctx.loaders.products.load(l.product_id.id) : null),
  description: (l: OdooRow) => l.name ?? '',
  quantity: (l: OdooRow) => l.product_uom_qty ?? 0,
  deliveredQuantity: (l: OdooRow) => l.qty_delivered ?? 0,
  invoicedQuantity: (l: OdooRow) => l.qty_invoiced ?? 0,
  unitPrice: (l: OdooRow) => money(l.price_unit ?? 0, currencyOf(l)),
  discount: (l: OdooRow) => l.discount ?? 0,
  subtotal: (l: OdooRow) => amount(l, 'price_subtotal'),
};
