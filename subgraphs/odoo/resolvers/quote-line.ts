// Quote lines live in the CRM; Odoo adds what only the ERP knows about them:
// the list price to check the quoted price against, free stock, and the earliest
// date the quantity can be delivered given stock and lead times.
import { money } from '../../../core/money.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { currentCurrency } from './product.ts';
import { quantity } from './shared.ts';
import { appError } from '../../../policy/errors.ts';
import { COMPONENTS } from '../../../policy/components.ts';
import type { QuoteLineResolvers } from '../generated/resolvers-types.ts';
import type { QuoteLineRepresentation } from '../parents.ts';

const DAY_MS = 86_400_000;

async function productOf(line: QuoteLineRepresentation, ctx: OdooSubgraphContext) {
  return line.sku ? ctx.loaders.productsBySku.load(line.sku) : null;
}

/** Free stock over all the caller's warehouses: only the total matters to a quote line. */
async function freeToPromise(productId: number, ctx: OdooSubgraphContext): Promise<number> {
  const free = await ctx.loaders.freeToPromise.load(productId);
  if (free instanceof Error) throw free; // a figure Odoo sent unreadable: no sum to promise from
  return free;
}

export const QuoteLine: QuoteLineResolvers = {
  __resolveReference: (ref) => ref,
  async listPrice(line, _, ctx) {
    const product = await productOf(line, ctx);
    return product ? money(quantity(product, 'list_price'), await currentCurrency(ctx)) : null;
  },
  async availability(line, _, ctx) {
    const product = await productOf(line, ctx);
    return product ? freeToPromise(product.id, ctx) : null;
  },
  async earliestDeliveryDate(line, _, ctx) {
    const product = await productOf(line, ctx);
    if (!product) return null;
    const free = await freeToPromise(product.id, ctx);
    // The CRM answers a line's quantity null only with an error of its own: no date is promised on a guess.
    if (line.quantity === null) throw appError('MAPPING_ERROR', `quote line ${line.id}: its quantity could not be read from the CRM`, { system: COMPONENTS.crm.system, model: 'QuoteLine', recordId: line.id, field: 'quantity' });
    const covered = free >= (line.quantity ?? 0);
    const days = quantity(product, 'sale_delay') + (covered ? 0 : quantity(product, 'produce_delay'));
    return new Date(ctx.now().getTime() + Math.ceil(days) * DAY_MS).toISOString().slice(0, 10);
  },
};
