import { decodeId, encodeId } from '../../../core/ids.ts';
import { money, moneyOrNull } from '../../../core/money.ts';
import { mapped } from '../../common/rows.ts';
import { QUOTE_STATUS } from '../../../connectors/crm/hubspot/canonical.ts';
import type { CrmRow } from '../loaders.ts';
import type { QuoteLineResolvers, QuoteResolvers } from '../generated/resolvers-types.ts';
import type { LineParent } from '../parents.ts';

export const Quote: QuoteResolvers = {
  async __resolveReference(ref: { id?: string; number?: string }, ctx) {
    if (ref.id) return ctx.loaders.quotes.load(decodeId(ref.id, 'Quote').sourceId);
    if (ref.number) return ctx.loaders.quotesByNumber.load(ref.number);
    return null;
  },
  id: (q) => encodeId('Quote', 'hubspot', q.id),
  number: (q) => q.quote_number ?? `HS-${q.id}`,
  title: (q) => q.hs_title ?? null,
  status: (q) => mapped(QUOTE_STATUS, q.hs_status, { system: 'hubspot', model: 'quotes', recordId: q.id, field: 'hs_status' }),
  amount: (q) => moneyOrNull(q.hs_quote_amount, q.hs_currency),
  validUntil: (q) => q.hs_expiration_date ?? null,
  requestedDeliveryDate: (q) => q.requested_delivery_date ?? null,
  incoterm: (q) => q.incoterm ?? null,
  updatedAt: (q) => q.hs_lastmodifieddate ?? q.updatedAt,
  order: (q) => (q.odoo_order_id ? { __typename: 'Order', id: encodeId('Order', 'odoo', q.odoo_order_id) } : null),
  async account(q, _, ctx) {
    const [companyId] = await ctx.loaders.quoteCompanies.load(q.id);
    return companyId ? { id: encodeId('Account', 'hubspot', companyId) } : null;
  },
  async lines(q, _, ctx): Promise<LineParent[]> {
    const rows = await ctx.loaders.lineItems.loadMany(await ctx.loaders.quoteLineItems.load(q.id));
    return rows
      .filter((r): r is CrmRow => r != null && !(r instanceof Error))
      .map((r) => ({ ...r, currency: q.hs_currency ?? 'EUR' }));
  },
};

export const QuoteLine: QuoteLineResolvers = {
  async __resolveReference(ref, ctx) {
    const row = await ctx.loaders.lineItems.load(decodeId(ref.id, 'QuoteLine').sourceId);
    if (!row) return null;
    const [quoteId] = await ctx.loaders.lineItemQuotes.load(row.id);
    const quote = quoteId ? await ctx.loaders.quotes.load(quoteId) : null;
    return { ...row, currency: quote?.hs_currency ?? 'EUR' };
  },
  id: (l) => encodeId('QuoteLine', 'hubspot', l.id),
  product: (l) => (l.hs_sku ? { __typename: 'Product', sku: l.hs_sku } : null),
  sku: (l) => l.hs_sku ?? null,
  name: (l) => l.name ?? null,
  quantity: (l) => l.quantity ?? 0,
  unitPrice: (l) => money(l.price ?? 0, l.currency),
  discount: (l) => l.hs_discount_percentage ?? 0,
};
