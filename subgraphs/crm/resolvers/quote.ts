import { decodeId, encodeId } from '../../../core/ids.ts';
import { money, moneyOrNull } from '../../../core/money.ts';
import type { CrmQuote, CrmQuoteLine } from '../../../connectors/crm/port.ts';
import type { CrmSubgraphContext } from '../loaders.ts';
import { field, fieldOf } from './field.ts';

import type { LineParent } from '../parents.ts';
import type { QuoteResolvers, QuoteLineResolvers } from '../generated/resolvers-types.ts';

export const Quote: QuoteResolvers = {
  async __resolveReference(ref: { id?: string; number?: string }, ctx: CrmSubgraphContext) {
    if (ref.id) return ctx.loaders.quotes.load(decodeId(ref.id, 'Quote').sourceId);
    if (ref.number) return ctx.loaders.quotesByNumber.load(ref.number);
    return null;
  },
  id: (q: CrmQuote) => encodeId('Quote', 'crm', q.id),
  number: (q: CrmQuote) => q.errors.number ?? q.displayNumber,
  title: fieldOf<CrmQuote, 'title'>('title'),
  // @ts-expect-error codegen does not wrap enum results, so the field's MAPPING_ERROR (returned as its value) is not in the type.
  status: fieldOf<CrmQuote, 'status'>('status'),
  amount: (q: CrmQuote) => q.errors.amount ?? q.errors.currency ?? moneyOrNull(q.amount, q.currency),
  validUntil: fieldOf<CrmQuote, 'validUntil'>('validUntil'),
  requestedDeliveryDate: fieldOf<CrmQuote, 'requestedDeliveryDate'>('requestedDeliveryDate'),
  incoterm: fieldOf<CrmQuote, 'incoterm'>('incoterm'),
  updatedAt: fieldOf<CrmQuote, 'updatedAt'>('updatedAt'),
  order: (q: CrmQuote) => {
    const id = field(q, 'odooOrderId');
    return typeof id === 'number' ? { __typename: 'Order', id: encodeId('Order', 'odoo', id) } : id;
  },
  async account(q: CrmQuote, _: unknown, ctx: CrmSubgraphContext) {
    const [accountId] = await ctx.loaders.quoteAccounts.load(q.id);
    return accountId ? { id: encodeId('Account', 'crm', accountId) } : null;
  },
  async lines(q: CrmQuote, _: unknown, ctx: CrmSubgraphContext): Promise<LineParent[]> {
    const rows = await ctx.loaders.quoteLines.loadMany(await ctx.loaders.quoteLineIds.load(q.id));
    return rows
      .filter((r): r is CrmQuoteLine => r != null && !(r instanceof Error))
      .map((r) => ({ ...r, currency: q.currency ?? 'EUR' }));
  },
};

export const QuoteLine: QuoteLineResolvers = {
  async __resolveReference(ref: { id: string }, ctx: CrmSubgraphContext) {
    const line = await ctx.loaders.quoteLines.load(decodeId(ref.id, 'QuoteLine').sourceId);
    if (!line) return null;
    const [quoteId] = await ctx.loaders.lineQuotes.load(line.id);
    const quote = quoteId ? await ctx.loaders.quotes.load(quoteId) : null;
    return { ...line, currency: quote?.currency ?? 'EUR' };
  },
  id: (l: LineParent) => encodeId('QuoteLine', 'crm', l.id),
  product: (l: LineParent) => (l.sku ? { __typename: 'Product', sku: l.sku } : null),
  sku: fieldOf<LineParent, 'sku'>('sku'),
  name: fieldOf<LineParent, 'name'>('name'),
  quantity: (l: LineParent) => l.errors.quantity ?? l.quantity ?? 0,
  unitPrice: (l: LineParent) => l.errors.unitPrice ?? money(l.unitPrice ?? 0, l.currency),
  discount: (l: LineParent) => l.errors.discount ?? l.discount ?? 0,
};
