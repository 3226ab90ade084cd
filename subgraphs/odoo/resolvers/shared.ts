// Small helpers the Odoo type resolvers share.
import { accountIdFor, encodeId } from '../../../core/ids.ts';
import { money, type Money } from '../../../core/money.ts';
import { mapped } from '../../common/rows.ts';
import { appError } from '../../../policy/errors.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';

export function currencyOf(row: OdooRow): string {
  return row.currency_id?.name ?? 'EUR';
}

export function amount(row: OdooRow, field: string): Money {
  return money(Number(row[field] ?? 0), currencyOf(row));
}

/** A value the canonical schema promises (non-null); Odoo sending none is a mapping error, not a crash. */
export function required<T = unknown>(model: string, row: OdooRow, field: string): T {
  const value = row[field];
  if (value == null || value === '') {
    throw appError('MAPPING_ERROR', `odoo ${model} ${row.id}: ${field} is empty`, { system: 'odoo', model, recordId: row.id, field });
  }
  return value as T;
}

export function enumOf<T extends Record<string, string>>(model: string, table: T, row: OdooRow, field: string): T[keyof T] {
  return mapped(table, row[field], { system: 'odoo', model, recordId: row.id, field });
}

export function nullableEnumOf<T extends Record<string, string>>(model: string, table: T, row: OdooRow, field: string): T[keyof T] | null {
  return row[field] == null ? null : enumOf(model, table, row, field);
}

/** The canonical Account reference for a partner: its commercial (parent) partner, anchored in the CRM when cross-referenced. */
export async function accountRefForPartner(ctx: OdooSubgraphContext, partnerId: number | undefined | null): Promise<{ __typename: 'Account'; id: string } | null> {
  if (!partnerId) return null;
  let partner = await ctx.loaders.partnerRefs.load(partnerId);
  if (partner?.parent_id?.id) partner = await ctx.loaders.partnerRefs.load(partner.parent_id.id);
  if (!partner) return null;
  const crmId = typeof partner.ref === 'string' && /^[0-9]+$/.test(partner.ref) ? partner.ref : null;
  return { __typename: 'Account', id: accountIdFor({ crmId, odooId: partner.id }) };
}

export const orderRef = (id: number) => encodeId('Order', 'odoo', id);
