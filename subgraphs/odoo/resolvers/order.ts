import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { money } from '../../../core/money.ts';
import { DELIVERY_STATUS, INVOICE_STATUS, ORDER_STATE } from '../../../connectors/odoo/canonical.ts';
import { accountRefForPartner, amount, currencyOf, enumOf, flag, nullableEnumOf, quantity, related, relatedMany, required, settle, valueOf } from './shared.ts';
import type { OrderLineResolvers, OrderResolvers } from '../generated/resolvers-types.ts';
import { Kind, type FieldNode, type GraphQLResolveInfo } from 'graphql';
import { accessForIdentity } from '../../../policy/permissions.ts';
import { isAppError } from '../../../policy/errors.ts';
import type { OdooRow, OrderFieldsAhead, Settled } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';

/** The selections of `nodes` that read `field` directly (no directive, no fragment): those graphql-js runs whatever the variables. */
function directFields(nodes: readonly FieldNode[], field: string): FieldNode[] {
  const out: FieldNode[] = [];
  for (const n of nodes) for (const s of n.selectionSet?.selections ?? []) if (s.kind === Kind.FIELD && s.name.value === field && !s.directives?.length) out.push(s);
  return out;
}

/** Does the query read this field of the list's items directly (no directive, no fragment)? */
function selectsDirectly(nodes: readonly FieldNode[], field: string): boolean {
  return directFields(nodes, field).length > 0;
}

/** Whether reading an order's lines also loads their products ahead (see linesWithProducts). */
function linesReadProducts(ctx: OdooSubgraphContext, linesNodes: readonly FieldNode[]): boolean {
  // Only where the caller may read a line's product: otherwise no product is fetched at all.
  return selectsDirectly(linesNodes, 'product') && accessForIdentity(ctx.identity, 'OrderLine', 'product') === 'allow';
}

function linesOf(o: OdooRow, ctx: OdooSubgraphContext, withProducts: boolean): Promise<OdooRow[]> {
  return withProducts ? linesWithProducts(o, ctx) : ctx.loaders.orderLines.load(o.id);
}

// A field's answer taken ahead of graphql-js (Settled, OrderFieldsAhead in ../loaders.ts): its
// value, or the error its resolver would have failed with.
const settled = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

function answer<T>(s: Settled<T>): T {
  if (!s.ok) throw s.error;
  return s.value;
}

/**
 * A page of orders whose `edges { node { account / lines } }` the query reads directly
 * and the caller may read: those fields are asked for here, for every order in page
 * order — the very calls their resolvers would make in the same tick (same loaders,
 * ids, batches), account before lines as graphql-js runs a BI page — and the page is
 * answered once all have settled. Each order then answers `account` and `lines` at once
 * instead of with a promise, so graphql-js completes the whole page synchronously (no
 * promise per order field, no Promise.all per order and per list). A field read in any
 * other way (a fragment, a directive, a denied or masked field) is left to its resolver.
 */
export async function prefetchOrderFields(rows: readonly OdooRow[], ctx: OdooSubgraphContext, connectionNodes: readonly FieldNode[]): Promise<void> {
  const orderNodes = directFields(directFields(connectionNodes, 'edges'), 'node');
  const account = selectsDirectly(orderNodes, 'account') && accessForIdentity(ctx.identity, 'Order', 'account') === 'allow';
  const linesNodes = directFields(orderNodes, 'lines');
  const lines = linesNodes.length > 0 && accessForIdentity(ctx.identity, 'Order', 'lines') === 'allow';
  if (!account && !lines) return;
  const withProducts = lines && linesReadProducts(ctx, linesNodes);
  const pending: Array<Promise<unknown>> = [];
  for (const o of rows) {
    const ahead: OrderFieldsAhead = {};
    ctx.loaders.orderFieldsAhead.set(o, ahead);
    if (account) pending.push(settled(accountRefForPartner(ctx, o)).then((s) => (ahead.account = s)));
    if (lines) pending.push(settled(linesOf(o, ctx, withProducts)).then((s) => (ahead.lines = s)));
  }
  await Promise.all(pending);
}

/**
 * An order's lines with their products, for a query that reads `lines { product }`
 * and may: the products are asked for as each order's lines arrive — the same ticks,
 * ids and order as the lines' own `product` resolvers would ask them in, so the same
 * one batched call — and the lines are answered once their products are known. Each
 * line then answers `product` at once (lineProducts) instead of with a promise, which
 * spares graphql-js a promise per field of every line (a BI page reads ~150 lines).
 * A line whose product_id does not fit the mapping is left to its resolver (its error).
 */
async function linesWithProducts(order: OdooRow, ctx: OdooSubgraphContext): Promise<OdooRow[]> {
  const lines = await ctx.loaders.orderLines.load(order.id);
  const wanted: OdooRow[] = [];
  const ids: number[] = [];
  for (const line of lines) {
    const ref = line.product_id;
    if (isAppError(ref)) continue;
    if (ref == null) ctx.loaders.lineProducts.set(line, null);
    else {
      wanted.push(line);
      ids.push(ref.id);
    }
  }
  if (ids.length) {
    const products = await ctx.loaders.products.loadMany(ids);
    for (let i = 0; i < wanted.length; i++) ctx.loaders.lineProducts.set(wanted[i]!, products[i] ?? null);
  }
  return lines;
}

const M = 'sale.order';

export const Order: OrderResolvers = {
  async __resolveReference(ref: { id?: string; number?: string | null }, ctx) {
    if (ref.id) return ctx.loaders.orders.load(odooIdOf(ref.id, 'Order'));
    if (ref.number) return ctx.loaders.ordersByNumber.load(ref.number);
    return null;
  },
  id: (o) => encodeId('Order', 'odoo', o.id),
  number: (o) => required(M, o, 'name'),
  state: (o) => enumOf(M, ORDER_STATE, o, 'state'),
  locked: (o) => flag(o, 'locked'),
  account: (o, _, ctx) => {
    const ahead = ctx.loaders.orderFieldsAhead.get(o)?.account;
    return ahead ? answer(ahead) : accountRefForPartner(ctx, o);
  },
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
  lines: (o, _, ctx, info) => {
    const ahead = ctx.loaders.orderFieldsAhead.get(o)?.lines;
    return ahead ? answer(ahead) : linesOf(o, ctx, linesReadProducts(ctx, info.fieldNodes));
  },
  deliveryStatus: (o) => nullableEnumOf(M, DELIVERY_STATUS, o, 'delivery_status'),
  invoiceStatus: (o) => nullableEnumOf(M, INVOICE_STATUS, o, 'invoice_status'),
  shipments: (o, _, ctx) => ctx.loaders.shipmentsByOrder.load(o.id),
  invoices: (o, _, ctx) => relatedMany(o, 'invoice_ids', (ids) => ctx.loaders.invoices.loadMany(ids)),
  production: (o, _, ctx) => relatedMany(o, 'mrp_production_ids', (ids) => ctx.loaders.productions.loadMany(ids)),
  updatedAt: (o) => required(M, o, 'write_date'),
};

export const OrderLine: OrderLineResolvers = {
  id: (l) => encodeId('OrderLine', 'odoo', l.id),
  product: (l, _, ctx) => {
    const loaded = ctx.loaders.lineProducts.get(l);
    return loaded !== undefined ? loaded : related(l, 'product_id', (id) => ctx.loaders.products.load(id));
  },
  description: (l) => valueOf<string | null>(l, 'name') ?? '',
  quantity: (l) => quantity(l, 'product_uom_qty'),
  deliveredQuantity: (l) => quantity(l, 'qty_delivered'),
  invoicedQuantity: (l) => quantity(l, 'qty_invoiced'),
  leadTimeDays: (l) => quantity(l, 'customer_lead'),
  unitPrice: (l) => amount(l, 'price_unit'),
  discount: (l) => quantity(l, 'discount'),
  subtotal: (l) => amount(l, 'price_subtotal'),
};
