import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { money } from '../../../core/money.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { currencyOf, flag, quantity, required, valueOf } from './shared.ts';
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
  sku: (p) => valueOf(p, 'default_code'),
  name: (p) => required('product.product', p, 'name'),
  listPrice: async (p, _, ctx) => money(quantity(p, 'list_price'), await currentCurrency(ctx)),
  uom: (p) => valueOf<{ name: string } | null>(p, 'uom_id')?.name ?? 'Units',
  saleable: (p) => flag(p, 'sale_ok'),
  customerLeadTimeDays: (p) => quantity(p, 'sale_delay'),
  manufacturingLeadTimeDays: (p) => quantity(p, 'produce_delay'),
  availability: (p, _, ctx) => ctx.loaders.availability.load(p.id),
  updatedAt: (p) => required('product.product', p, 'write_date'),
};
