import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { money } from '../../../core/money.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { currencyOf, required } from './shared.ts';

/** Prices in Odoo are in the current company's currency (the first allowed company). */
export async function currentCurrency(ctx: OdooSubgraphContext): Promise<string> {
  const company = await ctx.loaders.companies.load(ctx.session.companyIds[0]!);
  return company ? currencyOf(company) : 'EUR';
}

export const Product = {
  async __resolveReference(ref: { id?: string; sku?: string | null }, ctx: OdooSubgraphContext) {
    if (ref.id) return ctx.loaders.products.load(odooIdOf(ref.id, 'Product'));
    if (ref.sku) return ctx.loaders.productsBySku.load(ref.sku);
    return null;
  },
  id: (p: OdooRow) => encodeId('Product', 'odoo', p.id),
  sku: (p: OdooRow) => p.default_code,
  name: (p: OdooRow) => required('product.product', p, 'name'),
  listPrice: async (p: OdooRow, _: unknown, ctx: OdooSubgraphContext) => money(p.list_price ?? 0, await currentCurrency(ctx)),
  uom: (p: OdooRow) => p.uom_id?.name ?? 'Units',
  saleable: (p: OdooRow) => p.sale_ok === true,
  customerLeadTimeDays: (p: OdooRow) => p.sale_delay ?? 0,
  manufacturingLeadTimeDays: (p: OdooRow) => p.produce_delay ?? 0,
  availability: (p: OdooRow, _: unknown, ctx: OdooSubgraphContext) => ctx.loaders.availability.load(p.id),
  updatedAt: (p: OdooRow) => required('product.product', p, 'write_date'),
};
