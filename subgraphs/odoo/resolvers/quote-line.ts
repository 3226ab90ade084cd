// Quote lines live in the CRM; Odoo adds what only the ERP knows about them:
// the list price to check the quoted price against, free stock, and the earliest
// date the quantity can be delivered given stock and lead times.
import { money } from '../../../core/money.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { currentCurrency } from './product.ts';
import type { QuoteLineResolvers } from '../generated/resolvers-types.ts';
import type { QuoteLineRepresentation } from '../parents.ts';

const DAY_MS = 86_400_000;

async function productOf(line: QuoteLineRepresentation, ctx: OdooSubgraphContext) {
  return line.sku ? ctx.loaders.productsBySku.load(line.sku) : null;
}

async function freeToPromise(productId: number, ctx: OdooSubgraphContext): Promise<number> {
  const rows = await ctx.loaders.availability.load(productId);
  return rows.reduce((sum, r) => {
    if (r.freeToPromise instanceof Error) throw r.freeToPromise; // a figure Odoo sent unreadable: no sum to promise from
    return sum + r.freeToPromise;
  }, 0);
}

export const QuoteLine: QuoteLineResolvers = {
  __resolveReference: (ref) => ref,
  async listPrice(line, _, ctx) {
    const product = await productOf(line, ctx);
    return product ? money(product.list_price ?? 0, await currentCurrency(ctx)) : null;
  },
  async availability(line, _, ctx) {
    const product = await productOf(line, ctx);
    return product ? freeToPromise(product.id, ctx) : null;
  },
  async earliestDeliveryDate(line, _, ctx) {
    const product = await productOf(line, ctx);
    if (!product) return null;
    const free = await freeToPromise(product.id, ctx);
    const covered = free >= (line.quantity ?? 0);
    const days = (product.sale_delay ?? 0) + (covered ? 0 : product.produce_delay ?? 0);
    return new Date(ctx.now().getTime() + Math.ceil(days) * DAY_MS).toISOString().slice(0, 10);
  },
};
