import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { money } from '../../../core/money.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { currencyOf, required } from './shared.ts';
import type { ProductResolvers } from '../generated/resolvers-types.ts';

/** Prices in Odoo are in the current company's currency (the first allowed company). */
export async function currentCurrency(ctx: OdooSubgraphContext): Promise<string> {
  const company = await ctx.loaders.companies.load(ctx.session.companyIds[0]!);
  return company ? currencyOf(company) : 'EUR';
}

export const Product: ProductResolvers = {
  async __resolveReference(ref: { id?: string; sku?: string | null }, ctx) {
    if (ref.id) return ctx.loaders.products.load(odooIdOf(ref.id, 'Product'));
    if (ref.sku) return ctx.loaders.productsBySku.load(ref.sku);
    return null;
  },
  id: (p) => encodeId('Product', 'odoo', p.id),
  sku: (p) => p.default_code,
  name: (p) => required('product.product', p, 'name'),
  listPrice: async (p, _, ctx) => money(p.list_price ?? 0, await currentCurrency(ctx)),
  uom: (p) => p.uom_id?.name ?? 'Units',
  saleable: (p) => p.sale_ok === true,
  customerLeadTimeDays: (p) => p.sale_delay ?? 0,
  manufacturingLeadTimeDays: (p) => p.produce_delay ?? 0,
  availability: (p, _, ctx) => ctx.loaders.availability.load(p.id),
  updatedAt: (p) => required('product.product', p, 'write_date'),
};
