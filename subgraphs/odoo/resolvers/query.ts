import { appError } from '../../../policy/errors.ts';
import { accountIdFor, encodeId, odooIdOf } from '../../../core/ids.ts';
import { searchRows, type ReadOptions } from '../../../connectors/odoo/records.ts';
import type { Domain } from '../../../connectors/odoo/odoo-client.ts';
import {
  INVOICE_STATE_TO_ODOO, ORDER_STATE_TO_ODOO, PAYMENT_STATE_TO_ODOO, PRODUCTION_STATE_TO_ODOO, SHIPMENT_STATE_TO_ODOO,
} from '../../../connectors/odoo/canonical.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { partnerForAccount, partnerIds } from './account.ts';
import { odooConnection, selectionDomain, updatedSinceDomain } from './lists.ts';
import { prefetchOrderFields } from './order.ts';
import type { QueryResolvers } from '../generated/resolvers-types.ts';

function exactlyOne(args: Record<string, unknown>, names: [string, string]): void {
  const given = names.filter((n) => args[n] != null);
  if (given.length !== 1) {
    throw appError('BAD_USER_INPUT', `Give exactly one of "${names[0]}" or "${names[1]}"`, { field: given[1] ?? names[0] });
  }
}

/** An account filter narrows to that customer's partners; an unknown account matches nothing. */
async function accountDomain(ctx: OdooSubgraphContext, account: string | null | undefined, field: string): Promise<Domain> {
  if (!account) return [];
  const partner = await partnerForAccount(account, ctx, field);
  return [['partner_id', 'in', partner ? partnerIds(partner) : []]];
}

/** Odoo hides archived records from every search unless active_test is off. */
const ARCHIVED: ReadOptions = { order: 'write_date asc, id asc', context: { active_test: false } };
export const Query: QueryResolvers = {
  /** Archived records (`active` false) changed since `since`; accounts are commercial partners, anchored in the CRM when cross-referenced (`ref`). */
  async archivedSince(_, args, ctx) {
    const domain: Domain = [['active', '=', false], ...updatedSinceDomain(args.since, 'since')];
    if (args.object === 'PRODUCT') {
      const rows = await searchRows(ctx.session, 'product.product', domain, ARCHIVED, ['write_date']);
      return rows.map((r) => ({ id: encodeId('Product', 'odoo', r.id), object: args.object, archivedAt: r.write_date ?? null }));
    }
    const rows = await searchRows(ctx.session, 'res.partner', [...domain, ['parent_id', '=', false]], ARCHIVED, ['write_date', 'ref']);
    return rows.map((r) => ({
      id: accountIdFor({ crmId: typeof r.ref === 'string' && /^[0-9]+$/.test(r.ref) ? r.ref : null, odooId: r.id }),
      object: args.object,
      archivedAt: r.write_date ?? null,
    }));
  },
  async order(_, args, ctx) {
    exactlyOne(args, ['id', 'number']);
    return args.id ? ctx.loaders.orders.load(odooIdOf(args.id, 'Order')) : ctx.loaders.ordersByNumber.load(args.number!);
  },
  async orders(_, args, ctx, info) {
    const f = args.filter ?? {};
    const connection = await odooConnection(ctx, 'sale.order', [
      ...updatedSinceDomain(f.updatedSince),
      ...(await accountDomain(ctx, f.account, 'filter.account')),
      ...selectionDomain('state', f.state, ORDER_STATE_TO_ODOO),
      ...(f.number ? [['name', '=', f.number]] : []),
    ], args);
    await prefetchOrderFields(connection.edges.map((e) => e.node), ctx, info.fieldNodes);
    return connection;
  },
  async shipments(_, args, ctx) {
    const f = args.filter ?? {};
    return odooConnection(ctx, 'stock.picking', [
      ['picking_type_code', '=', 'outgoing'],
      ...updatedSinceDomain(f.updatedSince),
      ...(f.order ? [['sale_id', '=', odooIdOf(f.order, 'Order', 'filter.order')]] : []),
      ...selectionDomain('state', f.state, SHIPMENT_STATE_TO_ODOO),
    ], args);
  },
  async invoices(_, args, ctx) {
    const f = args.filter ?? {};
    let orderDomain: Domain = [];
    if (f.order) {
      const order = await ctx.loaders.orders.load(odooIdOf(f.order, 'Order', 'filter.order'));
      orderDomain = [['id', 'in', order?.invoice_ids ?? []]];
    }
    return odooConnection(ctx, 'account.move', [
      ['move_type', 'in', ['out_invoice', 'out_refund']],
      ...updatedSinceDomain(f.updatedSince),
      ...(await accountDomain(ctx, f.account, 'filter.account')),
      ...orderDomain,
      ...selectionDomain('state', f.state, INVOICE_STATE_TO_ODOO),
      ...selectionDomain('payment_state', f.paymentState, PAYMENT_STATE_TO_ODOO),
    ], args);
  },
  async product(_, args, ctx) {
    exactlyOne(args, ['id', 'sku']);
    return args.id ? ctx.loaders.products.load(odooIdOf(args.id, 'Product')) : ctx.loaders.productsBySku.load(args.sku!);
  },
  async products(_, args, ctx) {
    const f = args.filter ?? {};
    return odooConnection(ctx, 'product.product', [
      ...updatedSinceDomain(f.updatedSince),
      ...(f.sku ? [['default_code', '=', f.sku]] : []),
      ...(f.nameContains ? [['name', 'ilike', f.nameContains]] : []),
      ...(f.saleable != null ? [['sale_ok', '=', f.saleable]] : []),
    ], args);
  },
  async productionOrders(_, args, ctx) {
    const f = args.filter ?? {};
    return odooConnection(ctx, 'mrp.production', [
      ...updatedSinceDomain(f.updatedSince),
      ...selectionDomain('state', f.state, PRODUCTION_STATE_TO_ODOO),
    ], args);
  },
};
