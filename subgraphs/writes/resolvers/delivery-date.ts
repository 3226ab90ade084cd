// requestDeliveryDate: a new commitment date for an Odoo order, accepted only for
// an order that can still be delivered and only as late as its lead times need.
//
// Locked orders (Odoo 17+ `locked`, e.g. after "Lock Confirmed Sales" auto-locked them
// on confirmation) are accepted like any confirmed order: Odoo's lock only protects the
// LINES (product, description, price, UoM, quantity, taxes — sale.order.line.write), and
// sale.order.write has no lock check, so commitment_date stays writable; with sale_stock
// installed even the form leaves it editable (docs/reference/odoo-hubspot-facts.md §1c).
// What Odoo refuses (access rights, record rules) comes back as its mapped error.
import { appError } from '../../../policy/errors.ts';
import { odooIdOf } from '../../../core/ids.ts';
import { limitedToOwnRecords } from '../../../policy/permissions.ts';
import { searchRows } from '../../../connectors/odoo/records.ts';
import type { WritesContext } from '../context.ts';
import { actorOf, addDays, assertOwnedBy, odooOptions, odooSession, readCrm, keyScope } from '../systems.ts';
import { deliveryDateSchema, parseInput } from '../validation.ts';
import type { MutationRequestDeliveryDateArgs } from '../generated/resolvers-types.ts';

export async function requestDeliveryDate(_: unknown, args: MutationRequestDeliveryDateArgs, ctx: WritesContext) {
  const input = parseInput(deliveryDateSchema, args, '');
  const orderId = odooIdOf(input.orderId, 'Order', 'orderId');
  const { result, replayed } = await ctx.idempotency.run(
    { key: input.idempotencyKey, scope: keyScope(ctx, 'requestDeliveryDate'), actor: ctx.identity.sub, fingerprint: { orderId, date: input.date, reason: input.reason } },
    async () => {
      const session = odooSession(ctx);
      const [order] = await searchRows(session, 'sale.order', [['id', '=', orderId]]);
      if (!order) throw appError('NOT_FOUND', 'No such order', { field: 'orderId' });
      if (limitedToOwnRecords(ctx.identity, 'requestDeliveryDate')) {
        const [partner] = await searchRows(session, 'res.partner', [['id', '=', order.partner_id?.id ?? 0]]);
        const company = partner?.ref ? await readCrm(ctx, 'account', String(partner.ref)) : null;
        assertOwnedBy(ctx, company?.ownerId, 'order', true);
      }
      if (order.state === 'cancel') throw appError('BAD_USER_INPUT', `Order ${order.name} is cancelled`, { field: 'orderId' });
      if (order.state !== 'sale') throw appError('BAD_USER_INPUT', `Order ${order.name} is not confirmed yet; change the quote's requested date instead`, { field: 'orderId' });
      if (order.delivery_status === 'full') throw appError('BAD_USER_INPUT', `Order ${order.name} is fully delivered`, { field: 'orderId' });
      // One commitment date covers every line, so the longest LINE lead time (customer_lead:
      // the product's by default, but editable per line in Odoo) bounds the earliest date.
      const lines = await searchRows(session, 'sale.order.line', [['order_id', '=', orderId]], {}, ['product_id', 'customer_lead']);
      const leadDays = Math.max(0, ...lines.filter((l) => l.product_id).map((l) => Number(l.customer_lead ?? 0)));
      const earliest = addDays(ctx.now(), leadDays);
      if (input.date < earliest) {
        throw appError('BAD_USER_INPUT', `date must be on or after ${earliest} (today plus the ${leadDays}-day lead time)`, { field: 'date' });
      }
      const commitment = `${input.date} 12:00:00`;
      await ctx.odoo.write('sale.order', [orderId], { commitment_date: commitment }, odooOptions(ctx, order.company_id?.id));
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'requestDeliveryDate', system: 'odoo', object: 'Order', objectId: input.orderId,
        fields: ['commitmentDate', 'reason'], before: { commitmentDate: order.commitment_date ?? null, reason: null },
        after: { commitmentDate: `${input.date}T12:00:00Z`, reason: input.reason }, idempotencyKey: input.idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { orderId: input.orderId, commitmentDate: `${input.date}T12:00:00Z`, earliestPossibleDate: earliest, odooValue: commitment };
    },
  );
  return { order: { id: result.orderId }, commitmentDate: result.commitmentDate, earliestPossibleDate: result.earliestPossibleDate, replayed };
}

