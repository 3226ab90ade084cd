// Flow 1, order status feedback (R3): what Odoo knows about an order — its state,
// delivery status, the next shipment's date, carrier and tracking reference,
// production progress — written to the CRM deal of the quote the order came from,
// so a rep sees progress without asking. Milestones that matter (confirmed,
// shipped, produced) also leave one note each on the deal.
//
// Watched models: the order itself and what changes without touching it (Odoo
// does not bump sale.order.write_date when a picking is validated or an MO
// progresses). Every hint is resolved to its order(s) and the order is read
// whole, today, from Odoo.
import { DELIVERY_STATUS, ORDER_STATE } from '../../connectors/odoo/canonical.ts';
import type { OdooSession } from '../../connectors/odoo/records.ts';
import type { CopyValues, CrmQuote } from '../../connectors/crm/port.ts';
import type { ApplyResult, ChangeHint, Flow, FlowContext } from '../flow.ts';
import { milestoneNote, syncCopies } from './crm-copies.ts';
import { detectByWriteDate, odooSessions, searchRows } from './odoo-source.ts';

export const ORDER_STATUS_FLOW = 'order-status';

const ORDER_FIELDS = ['name', 'state', 'partner_id', 'company_id', 'origin', 'client_order_ref', 'delivery_status', 'mrp_production_ids', 'write_date'] as const;
const PICKING_FIELDS = ['name', 'state', 'sale_id', 'picking_type_code', 'scheduled_date', 'date_done', 'carrier_id', 'carrier_tracking_ref'] as const;
const PRODUCTION_FIELDS = ['name', 'state', 'origin', 'product_qty', 'qty_producing'] as const;

/** The orders a hint is about. */
async function ordersOf(session: OdooSession, change: ChangeHint): Promise<number[]> {
  const id = Number(change.recordId);
  if (!Number.isSafeInteger(id)) return [];
  switch (change.model) {
    case 'sale.order':
      return [id];
    case 'stock.picking': {
      const [p] = await searchRows(session, 'stock.picking', [['id', '=', id]], { context: { active_test: false } }, ['sale_id']);
      return p?.sale_id ? [p.sale_id.id] : [];
    }
    case 'mrp.production': {
      // Only a hint to find the order to re-read: Odoo's real link (mrp_production_ids) is
      // computed and not searchable from the MO side, so the MO's origin (the order name
      // Odoo writes there on procurement) points to the order; what the order's deal then
      // shows comes from the order's own mrp_production_ids (applyOrder).
      const [mo] = await searchRows(session, 'mrp.production', [['id', '=', id]], {}, ['origin']);
      if (!mo?.origin) return [];
      return (await searchRows(session, 'sale.order', [['name', '=', mo.origin]], {}, ['name'])).map((o) => o.id);
    }
    default:
      return [];
  }
}

const QUOTES_OF_ORDERS = 'quotesOfOrders';

/**
 * The read-ahead of a batch (Flow.prefetch) for the orders its jobs are about: their
 * CRM quotes in one search per HUBSPOT_LIMITS.searchInValues orders, instead of one
 * search (of HubSpot's four a second) per job. An order with no quote is remembered as
 * such: the search is complete (pages followed), as the job's own would be.
 */
export async function readAheadQuotesOfOrders(ctx: FlowContext, orderIds: readonly number[]): Promise<ReadonlyMap<string, unknown>> {
  const ids = [...new Set(orderIds)];
  const quotes = ids.length ? await ctx.crm.quotesByOdooOrderId(ids, { requestId: ctx.requestId }) : [];
  const byOrder = new Map<number, CrmQuote[]>(ids.map((id) => [id, quotes.filter((q) => q.odooOrderId === id)]));
  return new Map([[QUOTES_OF_ORDERS, byOrder]]);
}

/** The deal the order's quote is associated with (none: the order did not come from the CRM). */
export async function dealOfOrder(ctx: FlowContext, order: { id: number; origin: string | null; client_order_ref?: string | null }): Promise<string | null> {
  const opts = { requestId: ctx.requestId };
  const readAhead = (ctx.batch.get(QUOTES_OF_ORDERS) as ReadonlyMap<number, CrmQuote[]> | undefined)?.get(order.id);
  let quotes = readAhead ?? await ctx.crm.quotesByOdooOrderId([order.id], opts);
  // An order confirmed before its reference reached the quote still names the quote number as origin.
  if (quotes.length === 0 && order.origin) quotes = await ctx.crm.quotesByNumber([order.origin], opts);
  const quote = quotes.find((q) => q.odooOrderId === order.id) ?? quotes[0];
  if (!quote) return null;
  const deals = (await ctx.crm.associations('quote', [quote.id], 'deal', opts)).get(quote.id) ?? [];
  return deals[0] ?? null;
}

export function createOrderStatusFlow(): Flow {
  const session = odooSessions();
  return {
    name: ORDER_STATUS_FLOW,
    source: 'odoo',
    models: ['sale.order', 'stock.picking', 'mrp.production'],
    team: 'ERP_ADMIN',
    async detect(ctx, args, limit) {
      const s = await session(ctx);
      const extra = args.model === 'stock.picking' ? [['picking_type_code', '=', 'outgoing']] : args.model === 'sale.order' ? [['state', 'in', ['sale', 'cancel']]] : [];
      return detectByWriteDate(s, args, limit, extra);
    },
    async prefetch(ctx, changes) {
      const s = await session(ctx);
      const numeric = (model: string) => changes.filter((c) => c.model === model).map((c) => Number(c.recordId)).filter(Number.isSafeInteger);
      const pickings = numeric('stock.picking');
      const viaPickings = pickings.length
        ? (await searchRows(s, 'stock.picking', [['id', 'in', pickings]], { context: { active_test: false } }, ['sale_id'])).flatMap((p) => (p.sale_id ? [p.sale_id.id] : []))
        : [];
      // An MO's order is found through its origin; those jobs read for themselves.
      return readAheadQuotesOfOrders(ctx, [...numeric('sale.order'), ...viaPickings]);
    },
    async apply(ctx, change): Promise<ApplyResult> {
      const s = await session(ctx);
      const effects: string[] = [];
      let outcome: ApplyResult['outcome'] = 'skipped';
      for (const orderId of await ordersOf(s, change)) {
        // The order is re-read whole: once after a poll, however many of its pickings and MOs hinted at it.
        const run = await ctx.coalesce(`sale.order:${orderId}`, () => applyOrder(ctx, s, orderId));
        const r: ApplyResult = run.ran ? run.value : { outcome: 'unchanged' };
        effects.push(...(r.effects ?? []));
        if (r.outcome === 'applied' || (r.outcome === 'unchanged' && outcome === 'skipped')) outcome = r.outcome;
      }
      return { outcome, effects };
    },
  };
}

async function applyOrder(ctx: FlowContext, s: OdooSession, orderId: number): Promise<ApplyResult> {
  const [order] = await searchRows(s, 'sale.order', [['id', '=', orderId]], {}, ORDER_FIELDS);
  if (!order || (order.state !== 'sale' && order.state !== 'cancel')) return { outcome: 'skipped' };
  const dealId = await dealOfOrder(ctx, order);
  if (!dealId) return { outcome: 'skipped' };

  const pickings = (await searchRows(s, 'stock.picking', [['sale_id', '=', order.id], ['picking_type_code', '=', 'outgoing']], { order: 'scheduled_date asc, id asc' }, PICKING_FIELDS));
  // The MOs Odoo links to the order (sale_mrp's mrp_production_ids: procurement group on
  // 16/17, sale_line_id from 18, stock references on 19 — connectors/odoo/versions.ts), never
  // an MO whose free-text origin merely names it.
  const moIds = order.mrp_production_ids ?? [];
  const productions = moIds.length ? await searchRows(s, 'mrp.production', [['id', 'in', moIds]], { order: 'id asc' }, PRODUCTION_FIELDS) : [];

  const open = pickings.filter((p) => p.state !== 'done' && p.state !== 'cancel');
  const done = pickings.filter((p) => p.state === 'done');
  // The shipment a rep asks about: the next one to leave, else the last one that left.
  const shown = open[0] ?? done.at(-1) ?? null;
  const live = productions.filter((m) => m.state !== 'cancel');
  const planned = live.reduce((n, m) => n + (m.product_qty ?? 0), 0);
  const produced = live.reduce((n, m) => n + (m.state === 'done' ? (m.product_qty ?? 0) : (m.qty_producing ?? 0)), 0);

  const desired: CopyValues = {
    orderId: order.id,
    orderNumber: order.name,
    orderState: order.state ? ORDER_STATE[order.state as keyof typeof ORDER_STATE] ?? null : null,
    deliveryStatus: order.delivery_status ? DELIVERY_STATUS[order.delivery_status as keyof typeof DELIVERY_STATUS] ?? null : null,
    nextShipmentDate: open[0]?.scheduled_date ? open[0].scheduled_date.slice(0, 10) : null,
    carrier: shown?.carrier_id?.name ?? null,
    trackingRef: shown?.carrier_tracking_ref ?? null,
    productionProgress: planned > 0 ? Math.round((produced / planned) * 100) : null,
  };
  const copies = await syncCopies(ctx, 'deal', dealId, desired);
  if (copies.missing) return { outcome: 'skipped' };
  const effects = copies.changed.map((f) => `deal ${dealId}: ${f}`);

  const ref = order.name ?? `order ${order.id}`;
  const notes: Array<[string, string]> = [];
  if (order.state === 'sale') notes.push([`order:${order.id}:confirmed`, `Order ${ref} confirmed in Odoo.`]);
  for (const p of done) {
    const tracking = [p.carrier_id?.name, p.carrier_tracking_ref].filter(Boolean).join(' ');
    notes.push([`order:${order.id}:shipped:${p.id}`, `Order ${ref}: shipment ${p.name ?? p.id} shipped${tracking ? ` (${tracking})` : ''}.`]);
  }
  for (const m of live.filter((x) => x.state === 'done')) notes.push([`order:${order.id}:produced:${m.id}`, `Order ${ref}: production ${m.name ?? m.id} finished.`]);
  for (const [key, text] of notes) {
    if ((await milestoneNote(ctx, 'deal', dealId, key, text)).created) effects.push(`deal ${dealId}: note ${key}`);
  }
  return { outcome: effects.length ? 'applied' : 'unchanged', effects };
}
