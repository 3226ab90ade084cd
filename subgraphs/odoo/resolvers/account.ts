// The Odoo half of an Account: tax id, currency, terms, credit. An account id
// anchored in the CRM is found through the partner's `ref`; one anchored in Odoo
// directly by partner id. A customer with no Odoo twin resolves with these fields
// null (a missing cross-reference is an exception for operations, not a crash).
import { decodeId } from '../../../core/ids.ts';
import { emptyConnection } from '../../common/paging.ts';
import { moneyOrNull } from '../../../core/money.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { nestedOdooConnection, selectionDomain, updatedSinceDomain } from './lists.ts';
import { isOnCreditHold, ORDER_STATE_TO_ODOO } from '../../../connectors/odoo/canonical.ts';
import { currentCurrency } from './product.ts';
import type { AccountResolvers } from '../generated/resolvers-types.ts';
import type { AccountParent } from '../parents.ts';

export async function partnerForAccount(id: string, ctx: OdooSubgraphContext, field = 'id'): Promise<OdooRow | null> {
  const ref = decodeId(id, 'Account', field);
  return ref.system === 'crm' ? ctx.loaders.partnersByRef.load(ref.sourceId) : ctx.loaders.partners.load(Number(ref.sourceId));
}

async function partnerOf(a: AccountParent, ctx: OdooSubgraphContext): Promise<OdooRow | null> {
  if (a.partner === undefined) a.partner = await partnerForAccount(a.id, ctx);
  return a.partner;
}

/** The partner and its contact persons: orders may be placed on either. */
export function partnerIds(partner: OdooRow): number[] {
  return [partner.id, ...((partner.child_ids as number[] | null) ?? [])];
}

async function currencyOfAccount(a: AccountParent, ctx: OdooSubgraphContext): Promise<string | null> {
  const partner = await partnerOf(a, ctx);
  if (!partner) return null;
  const pricelistId = partner.property_product_pricelist?.id;
  const pricelist = pricelistId ? await ctx.loaders.pricelists.load(pricelistId) : null;
  return pricelist?.currency_id?.name ?? currentCurrency(ctx);
}


const field = <T>(read: (partner: OdooRow, a: AccountParent, ctx: OdooSubgraphContext) => T | Promise<T>) =>
  async (a: AccountParent, _: unknown, ctx: OdooSubgraphContext): Promise<T | null> => {
    const partner = await partnerOf(a, ctx);
    return partner ? read(partner, a, ctx) : null;
  };

export const Account: AccountResolvers = {
  async __resolveReference(ref, ctx): Promise<AccountParent> {
    return { id: ref.id, partner: await partnerForAccount(ref.id, ctx) };
  },
  taxId: field((p) => p.vat ?? null),
  currency: (a, _, ctx) => currencyOfAccount(a, ctx),
  paymentTerms: field((p) => (p.property_payment_term_id ? { id: String(p.property_payment_term_id.id), name: p.property_payment_term_id.name } : null)),
  pricelist: field((p) => p.property_product_pricelist?.name ?? null),
  creditLimit: field(async (p, a, ctx) => (p.credit_limit ? moneyOrNull(p.credit_limit, await currencyOfAccount(a, ctx)) : null)),
  openReceivable: field(async (p, a, ctx) => moneyOrNull(p.credit ?? 0, await currencyOfAccount(a, ctx))),
  creditHold: field((p) => isOnCreditHold({ credit_limit: p.credit_limit, credit: p.credit })),
  erpUpdatedAt: field((p) => p.write_date ?? null),
  async orders(a, args, ctx) {
    const partner = await partnerOf(a, ctx);
    if (!partner) return emptyConnection();
    return nestedOdooConnection(ctx, 'sale.order', 'partner_id', partnerIds(partner), [
      ...updatedSinceDomain(args.filter?.updatedSince),
      ...selectionDomain('state', args.filter?.state, ORDER_STATE_TO_ODOO),
    ], args);
  },
  async invoices(a, args, ctx) {
    const partner = await partnerOf(a, ctx);
    if (!partner) return emptyConnection();
    return nestedOdooConnection(ctx, 'account.move', 'partner_id', partnerIds(partner), [
      ['move_type', 'in', ['out_invoice', 'out_refund']],
    ], args);
  },
};
