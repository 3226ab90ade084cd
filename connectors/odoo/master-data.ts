// What the master-data flows (customer master sync, catalog push) ask of Odoo: partners
// and products changed since a `write_date` cursor, partners by their cross-reference
// or tax id, a partner created in the right company, the cross-reference written back,
// and the prices of the pricelist the CRM sells with. Every answer is parsed through
// mapping/records.ts: a sync never decides on a value nobody could read.
import type { CallOptions, Domain, OdooClient, OdooContext } from './odoo-client.ts';
import { parseRecords, safeParseRecords, type FieldName, type OdooRecordPick } from './mapping/records.ts';
import type { AppError } from '../../policy/errors.ts';
import { toOdooDatetime } from './canonical.ts';

/** A position in a model's change stream: records written after `since`, ties broken by id. */
export interface OdooChangeCursor {
  /** ISO-8601 instant. */
  since: string;
  /** Records written exactly at `since` with an id above this one are still to come. */
  afterId?: number;
}

export interface OdooMasterDataOptions {
  requestId?: string;
  signal?: AbortSignal;
}

const opts = (o: OdooMasterDataOptions, context: OdooContext = {}): CallOptions => ({
  context, ...(o.requestId ? { requestId: o.requestId } : {}), ...(o.signal ? { signal: o.signal } : {}),
});

export const PARTNER_SYNC_FIELDS = [
  'name', 'ref', 'vat', 'website', 'phone', 'country_code', 'company_id', 'is_company', 'parent_id', 'customer_rank', 'active', 'write_date',
] as const satisfies ReadonlyArray<FieldName<'res.partner'>>;
export type SyncPartner = OdooRecordPick<'res.partner', (typeof PARTNER_SYNC_FIELDS)[number]>;

export const PRODUCT_SYNC_FIELDS = [
  'name', 'default_code', 'list_price', 'uom_id', 'sale_delay', 'sale_ok', 'active', 'company_id', 'write_date',
] as const satisfies ReadonlyArray<FieldName<'product.product'>>;
export type SyncProduct = OdooRecordPick<'product.product', (typeof PRODUCT_SYNC_FIELDS)[number]>;

/** The domain of records written after the cursor, in the order `write_date asc, id asc` pages them. */
export function changedSinceDomain(cursor: OdooChangeCursor | null): Domain {
  if (!cursor) return [];
  const since = toOdooDatetime(new Date(cursor.since));
  if (cursor.afterId === undefined) return [['write_date', '>=', since]];
  return ['|', ['write_date', '>', since], '&', ['write_date', '=', since], ['id', '>', cursor.afterId]];
}
export const CHANGE_ORDER = 'write_date asc, id asc';

/** A company of the customer master: a company (not a contact person) Odoo sells to. */
export const CUSTOMER_DOMAIN: Domain = [['is_company', '=', true], ['parent_id', '=', false], ['customer_rank', '>', 0]];

/**
 * Customer companies written after the cursor, as stream positions only: the step that
 * handles each reads it in full, so one partner that does not fit the mapping fails
 * alone instead of stopping the stream.
 */
export async function partnersChangedSince(client: OdooClient, cursor: OdooChangeCursor | null, limit: number, o: OdooMasterDataOptions = {}): Promise<Array<{ id: number; version: string }>> {
  const raws = await client.searchRead('res.partner', [...CUSTOMER_DOMAIN, ...changedSinceDomain(cursor)], ['write_date'], { limit, order: CHANGE_ORDER }, opts(o));
  return raws.map((r) => ({ id: r.id, version: versionOf(r) }));
}

/**
 * Partners by id, archived ones included (a reference to an archived partner is not
 * dangling). A search, not `read`: an id that no longer exists is simply not returned,
 * whichever way the Odoo version answers a `read` of it.
 */
export async function readPartners(client: OdooClient, ids: readonly number[], o: OdooMasterDataOptions = {}): Promise<SyncPartner[]> {
  if (ids.length === 0) return [];
  const raws = await client.searchRead('res.partner', [['id', 'in', [...ids]]], [...PARTNER_SYNC_FIELDS], { order: 'id asc' }, opts(o, { active_test: false }));
  return parseRecords('res.partner', raws, PARTNER_SYNC_FIELDS);
}

/** Top-level partners whose cross-reference names this CRM company (archived ones included). */
export async function partnersByRef(client: OdooClient, crmId: string, o: OdooMasterDataOptions = {}): Promise<SyncPartner[]> {
  const raws = await client.searchRead('res.partner', [['ref', '=', crmId], ['parent_id', '=', false]], [...PARTNER_SYNC_FIELDS], { order: 'id asc', limit: 10 }, opts(o, { active_test: false }));
  return parseRecords('res.partner', raws, PARTNER_SYNC_FIELDS);
}

/** Companies with this VAT number (exact match as stored). */
export async function partnersByVat(client: OdooClient, vat: string, o: OdooMasterDataOptions = {}): Promise<SyncPartner[]> {
  const raws = await client.searchRead('res.partner', [['vat', '=', vat], ['is_company', '=', true], ['parent_id', '=', false]], [...PARTNER_SYNC_FIELDS], { order: 'id asc', limit: 10 }, opts(o));
  return parseRecords('res.partner', raws, PARTNER_SYNC_FIELDS);
}

/** The fields a new customer partner is created with. */
export interface PartnerDraft {
  name: string;
  ref: string;
  vat?: string | null;
  website?: string | null;
  phone?: string | null;
}

/**
 * Creates a customer company in `companyId` (its `company_id`, created with that company
 * as the current one, so company-dependent defaults are that company's; null = shared by
 * every company, Odoo's default). Odoo's create
 * is not idempotent: callers look for the partner by its `ref` first (partnersByRef).
 */
export async function createCustomerPartner(client: OdooClient, companyId: number | null, draft: PartnerDraft, o: OdooMasterDataOptions = {}): Promise<number> {
  const vals: Record<string, unknown> = {
    name: draft.name, ref: draft.ref, is_company: true, customer_rank: 1, company_id: companyId ?? false,
    ...(draft.vat ? { vat: draft.vat } : {}), ...(draft.website ? { website: draft.website } : {}), ...(draft.phone ? { phone: draft.phone } : {}),
  };
  const [id] = await client.create('res.partner', [vals], opts(o, companyId === null ? {} : { allowed_company_ids: [companyId] }));
  return id!;
}

/** Writes the cross-reference (res.partner.ref = the CRM company id) and copies of CRM-owned fields. */
export async function writePartner(client: OdooClient, id: number, vals: Record<string, string>, o: OdooMasterDataOptions = {}): Promise<void> {
  await client.write('res.partner', [id], vals, opts(o, { active_test: false }));
}

/** One page of a change stream: every record's position, and the records that could be read. */
export interface ChangedPage<R> {
  /** Every record of the page in stream order (id, write_date as an ISO instant), readable or not. */
  stream: Array<{ id: number; version: string }>;
  rows: R[];
  /** One MAPPING_ERROR per record that does not fit the mapping (left out of `rows`). */
  failures: AppError[];
}

/** Odoo's naive-UTC write_date as an ISO instant; a record without one sorts first. */
function versionOf(raw: Record<string, unknown>): string {
  const v = raw.write_date;
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}.000Z` : new Date(0).toISOString();
}

/**
 * Products written after the cursor (archived ones included: an archived product is a
 * change too). A product whose values do not fit the mapping does not stop the page:
 * it is in `stream` and `failures`, not in `rows`.
 */
export async function productsChangedSince(client: OdooClient, cursor: OdooChangeCursor | null, limit: number, o: OdooMasterDataOptions = {}): Promise<ChangedPage<SyncProduct>> {
  const raws = await client.searchRead('product.product', changedSinceDomain(cursor), [...PRODUCT_SYNC_FIELDS], { limit, order: CHANGE_ORDER }, opts(o, { active_test: false }));
  const { ok, errors } = safeParseRecords('product.product', raws, PRODUCT_SYNC_FIELDS);
  return { stream: raws.map((r) => ({ id: r.id, version: versionOf(r) })), rows: ok, failures: errors };
}

export async function readProducts(client: OdooClient, ids: readonly number[], o: OdooMasterDataOptions = {}): Promise<SyncProduct[]> {
  if (ids.length === 0) return [];
  const raws = await client.searchRead('product.product', [['id', 'in', [...ids]]], [...PRODUCT_SYNC_FIELDS], { order: 'id asc' }, opts(o, { active_test: false }));
  return parseRecords('product.product', raws, PRODUCT_SYNC_FIELDS);
}

const RULE_FIELDS = ['applied_on', 'product_id', 'min_quantity', 'compute_price', 'fixed_price', 'percent_price', 'date_start', 'date_end'] as const;

/**
 * Unit prices for one unit of each product on a pricelist, at `at`: the most specific
 * rule that applies (a variant's own rule before a global one), a fixed price or a
 * percentage off the list price; no rule = the list price. Odoo's `_get_product_price`
 * is private (not callable over the external API), so the rules are read and applied
 * here. Formula rules and category rules are not evaluated: a product they govern
 * keeps its list price (docs/sync.md says so).
 */
export async function pricelistPrices(
  client: OdooClient, pricelistId: number, products: ReadonlyArray<{ id: number; list_price: number | null }>, at: Date, o: OdooMasterDataOptions = {},
): Promise<Map<number, number>> {
  const out = new Map(products.map((p) => [p.id, p.list_price ?? 0]));
  if (products.length === 0) return out;
  const raws = await client.searchRead('product.pricelist.item', [
    ['pricelist_id', '=', pricelistId], ['min_quantity', '<=', 1], ['compute_price', 'in', ['fixed', 'percentage']],
    '|', ['applied_on', '=', '3_global'], '&', ['applied_on', '=', '0_product_variant'], ['product_id', 'in', products.map((p) => p.id)],
  ], [...RULE_FIELDS], { order: 'applied_on asc, min_quantity desc, id desc' }, opts(o));
  const now = at.getTime();
  const rules = parseRecords('product.pricelist.item', raws, RULE_FIELDS)
    .filter((r) => (!r.date_start || Date.parse(r.date_start) <= now) && (!r.date_end || Date.parse(r.date_end) >= now));
  for (const p of products) {
    // Ordered by applied_on: '0_product_variant' comes before '3_global', as in Odoo.
    const rule = rules.find((r) => r.applied_on === '3_global' || r.product_id?.id === p.id);
    if (!rule) continue;
    const list = p.list_price ?? 0;
    out.set(p.id, rule.compute_price === 'fixed' ? (rule.fixed_price ?? 0) : Math.round(list * (1 - (rule.percent_price ?? 0) / 100) * 100) / 100);
  }
  return out;
}
