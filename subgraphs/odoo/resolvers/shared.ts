// Small helpers the Odoo type resolvers share.
import { accountIdFor, encodeId } from '../../../core/ids.ts';
import { money, type Money } from '../../../core/money.ts';
import { mapped } from '../../common/rows.ts';
import { appError, isAppError } from '../../../policy/errors.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';

/**
 * A field of a row as a resolver answers it: its normalised value, or — when Odoo
 * sent something the mapping refuses — that value's MAPPING_ERROR thrown, so the
 * one field that depends on it fails with it instead of reading a wrong default.
 */
export function valueOf<T = any>(row: OdooRow, field: string): T {
  const value = row[field];
  if (isAppError(value)) throw value;
  return value as T;
}

/** A many2one's id, null when Odoo holds none (a malformed pair throws its MAPPING_ERROR). */
export function refId(row: OdooRow, field: string): number | null {
  return valueOf<{ id: number } | null>(row, field)?.id ?? null;
}

/** The record a many2one points to, through a loader (null when Odoo holds none). */
export function related<T>(row: OdooRow, field: string, load: (id: number) => Promise<T>): Promise<T | null> | null {
  const id = refId(row, field);
  return id == null ? null : load(id);
}

/** The records an x2many lists, through a loader; unreadable or vanished ones are left out. */
export async function relatedMany(row: OdooRow, field: string, loadMany: (ids: number[]) => Promise<Array<OdooRow | null | Error>>): Promise<OdooRow[]> {
  const ids = valueOf<number[] | null>(row, field) ?? [];
  const rows = await loadMany(ids);
  return rows.filter((r): r is OdooRow => r != null && !(r instanceof Error));
}

/**
 * A value computed ahead of its field (e.g. a field of an object built here):
 * a MAPPING_ERROR is kept as the value, which graphql-js reports as that one
 * field's error, instead of failing the object around it.
 */
export function settle<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (isAppError(e)) return e as unknown as T;
    throw e;
  }
}

/** A row's currency; a row without one is priced in EUR (the seed's and Odoo's default company currency). */
export function currencyOf(row: OdooRow): string {
  return valueOf<{ name: string } | null>(row, 'currency_id')?.name ?? 'EUR';
}

export function amount(row: OdooRow, field: string): Money {
  return money(valueOf<number | null>(row, field) ?? 0, currencyOf(row));
}

/** A number Odoo always sends (floats read 0.0, never false); a missing one reads 0 as Odoo's own default. */
export function quantity(row: OdooRow, field: string): number {
  return valueOf<number | null>(row, field) ?? 0;
}

/** A boolean: true or false as Odoo sent it, or the field's MAPPING_ERROR. */
export function flag(row: OdooRow, field: string): boolean {
  return valueOf<boolean>(row, field) === true;
}

/** A value the canonical model needs (e.g. an order's date); Odoo sending none is a mapping error, not a silent null. */
export function required<T = unknown>(model: string, row: OdooRow, field: string): T {
  const value = valueOf(row, field);
  if (value == null || value === '') {
    throw appError('MAPPING_ERROR', `odoo ${model} ${row.id}: ${field} is empty`, { system: 'odoo', model, recordId: row.id, field });
  }
  return value as T;
}

export function enumOf<T extends Record<string, string>>(model: string, table: T, row: OdooRow, field: string): T[keyof T] {
  return mapped(table, valueOf(row, field), { system: 'odoo', model, recordId: row.id, field });
}

export function nullableEnumOf<T extends Record<string, string>>(model: string, table: T, row: OdooRow, field: string): T[keyof T] | null {
  return valueOf(row, field) == null ? null : enumOf(model, table, row, field);
}

/**
 * The canonical Account reference for a record's partner (`partner_id`): its
 * commercial (parent) partner, anchored in the CRM when cross-referenced. A
 * malformed partner_id is that field's MAPPING_ERROR, never a silent null.
 */
export async function accountRefForPartner(ctx: OdooSubgraphContext, row: OdooRow, field = 'partner_id'): Promise<{ __typename: 'Account'; id: string } | null> {
  const partnerId = refId(row, field);
  if (!partnerId) return null;
  let partner = await ctx.loaders.partnerRefs.load(partnerId);
  const parentId = partner ? refId(partner, 'parent_id') : null;
  if (parentId) partner = await ctx.loaders.partnerRefs.load(parentId);
  if (!partner) return null;
  const ref = valueOf<string | null>(partner, 'ref');
  const crmId = typeof ref === 'string' && /^[0-9]+$/.test(ref) ? ref : null;
  return { __typename: 'Account', id: accountIdFor({ crmId, odooId: partner.id }) };
}

export const orderRef = (id: number) => encodeId('Order', 'odoo', id);
