// The Odoo half of an Account: tax id, currency, terms, credit. An account id
// anchored in the CRM is found through the partner's `ref`; one anchored in Odoo
// directly by partner id. A customer with no Odoo twin resolves with these fields
// null (a missing cross-reference is an exception for operations, not a crash).
import { decodeId } from '../../common/ids.ts';
import { moneyOrNull } from '../../common/money.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { odooConnection, selectionDomain, updatedSinceDomain } from './lists.ts';
import { ORDER_STATE_TO_ODOO } from '../canonical.ts';
import { currentCurrency } from './product.ts';

export interface AccountParent {
  id: string;
  partner: OdooRow | null;
}

export async function partnerForAccount(id: string, ctx: OdooSubgraphContext, field = 'id'): Promise<OdooRow | null> {
  const ref = decodeId(id, 'Account', field);
  return ref.system === 'hubspot' ? ctx.loaders.partnersByRef.load(ref.sourceId) : ctx.loaders.partners.load(Number(ref.sourceId));
}

/** The partner and its contact persons: orders may be placed on either. */
export function partnerIds(partner: OdooRow): number[] {
  return [partner.id, ...((partner.child_ids as number[] | null) ?? [])];
}

async function currencyOfAccount(a: AccountParent, ctx: OdooSubgraphContext): Promise<string | null> {
  if (!a.partner) return null;
  const pricelistId = a.partner.property_product_pricelist?.id;
  const pricelist = pricelistId ? await ctx.loaders.pricelists.load(pricelistId) : null;
  return pricelist?.currency_id?.name ?? currentCurrency(ctx);
}

const emptyConnection = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

export const Account = {
  async __resolveReference(ref: { id: string }, ctx: OdooSubgraphContext): Promise<AccountParent> {
    return { id: ref.id, partner: await partnerForAccount(ref.id, ctx) };
  },
  taxId: (a: AccountParent) => a.partner?.vat ?? null,
  currency: (a: AccountParent, _: unknown, ctx: OdooSubgraphContext) => currencyOfAccount(a, ctx),
  paymentTerms: (a: AccountParent) => {
    const term = a.partner?.property_payment_term_id;
    return term ? { id: String(term.id), name: term.name } : null;
  },
  pricelist: (a: AccountParent) => a.partner?.property_product_pricelist?.name ?? null,
  creditLimit: async (a: AccountParent, _: unknown, ctx: OdooSubgraphContext) =>
    a.partner?.credit_limit ? moneyOrNull(a.partner.credit_limit, await currencyOfAccount(a, ctx)) : null,
  openReceivable: async (a: AccountParent, _: unknown, ctx: OdooSubgraphContext) =>
    a.partner ? moneyOrNull(a.partner.credit ?? 0, await currencyOfAccount(a, ctx)) : null,
  creditHold: (a: AccountParent) => {
    if (!a.partner) return null;
    const limit = a.partner.credit_limit ?? 0;
    return limit > 0 && (a.partner.credit ?? 0) > limit;
  },
  erpUpdatedAt: (a: AccountParent) => a.partner?.write_date ?? null,
  async orders(a: AccountParent, args: { first?: number; after?: string; filter?: { updatedSince?: string; state?: Array<keyof typeof ORDER_STATE_TO_ODOO> } }, ctx: OdooSubgraphContext) {
    if (!a.partner) return emptyConnection;
    return odooConnection(ctx, 'sale.order', [
      ['partner_id', 'in', partnerIds(a.partner)],
      ...updatedSinceDomain(args.filter?.updatedSince),
      ...selectionDomain('state', args.filter?.state, ORDER_STATE_TO_ODOO),
    ], args);
  },
  async invoices(a: AccountParent, args: { first?: number; after?: string }, ctx: OdooSubgraphContext) {
    if (!a.partner) return emptyConnection;
    return odooConnection(ctx, 'account.move', [
      ['partner_id', 'in', partnerIds(a.partner)],
      ['move_type', 'in', ['out_invoice', 'out_refund']],
    ], args);
  },
};
