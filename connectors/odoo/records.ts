// Reading Odoo records for the layers above (the Odoo subgraph's loaders and the
// writes subgraph alike): one session per request, the caller's companies and row
// limit applied to every search, every answer parsed through mapping/records.ts.
// Rows are typed per model from the one description of Odoo's fields
// (mapping/models.ts) and the field lists of canonical.ts:
//
//   searchRows(session, 'sale.order', domain)             → Row<'sale.order'>[] (READ_FIELDS)
//   searchRows(session, 'product.product', d, {}, ['name']) → Row<'product.product', 'name'>[]
//
// Two ways to meet a value that does not fit the mapping:
//   searchRows / readRows                 throw MAPPING_ERROR: a decision (a write) is never
//                                         taken on a value nobody could read;
//   …KeepingFieldErrors                   put the field's MAPPING_ERROR in place of its value, so a
//                                         GraphQL read still returns the rest of the record and batch.
import { appError, isAppError, type AppError } from '../../policy/errors.ts';
import type { MasterDataCache } from '../../core/cache.ts';
import type { CallBudget } from '../../core/call-budget.ts';
import type { CallOptions, Domain, OdooClient, OdooContext, OdooPage } from './odoo-client.ts';
import { parseRecords, safeParseRecords, type FieldName, type OdooRecordPick } from './mapping/records.ts';
import type { OdooModelName } from './mapping/models.ts';
import { READ_FIELDS, type ReadModel } from './canonical.ts';

/** A caller's row limit (§5): extra domain per model, ANDed into every search and count. */
export interface OdooRowScope {
  /** Distinguishes cache entries of differently scoped callers. */
  readonly key: string;
  /** Extra domain for a model, ANDed with the query's (`domain`, given so a scope may answer it without a lookup); null = no row limit. */
  domainFor(model: string, domain?: Domain): Promise<Domain | null>;
  /** Sees the rows of every search made through it (rows the caller may see), e.g. to learn which records they link to. */
  observe?(model: string, rows: ReadonlyArray<Record<string, unknown>>): void;
}

export const UNRESTRICTED: OdooRowScope = { key: 'all', domainFor: async () => null };

export interface OdooSession {
  client: OdooClient;
  cache: MasterDataCache;
  /** allowed_company_ids, current company first; empty = the API user's own companies. */
  companyIds: number[];
  requestId: string;
  scope: OdooRowScope;
  /** The request's backend-call budget (core/call-budget.ts); absent = unbounded (start-up, jobs). */
  budget?: CallBudget;
}

/** The fields a model is read with when the caller names none (canonical.ts). */
export type DefaultField<M extends ReadModel> = Extract<(typeof READ_FIELDS)[M][number], FieldName<M>>;

/** A parsed record: `id` plus the fields read, each normalised and typed from models.ts. */
export type Row<M extends OdooModelName, F extends FieldName<M> = M extends ReadModel ? DefaultField<M> : never> = OdooRecordPick<M, F>;

/** A row in which any field but `id` may hold the MAPPING_ERROR of the value Odoo sent. */
export type WithFieldErrors<R> = { [K in keyof R]: K extends 'id' ? R[K] : R[K] | AppError };

export interface ReadOptions extends OdooPage {
  /** Added to the session's context for this call (e.g. `active_test: false`, `warehouse_id`). */
  context?: OdooContext;
}

/** The query's domain with the caller's row limit ANDed in: every search and count goes through here. */
export async function scopedDomain(session: OdooSession, model: string, domain: Domain): Promise<Domain> {
  const scope = await session.scope.domainFor(model, domain);
  return scope ? [...scope, ...domain] : domain;
}

export function callOptions(session: OdooSession, extraContext: OdooContext = {}): CallOptions & { context: OdooContext; requestId: string } {
  // An empty list would mean "no company" to Odoo; leaving it out means the user's default companies.
  const companies = session.companyIds.length ? { allowed_company_ids: session.companyIds } : {};
  return { context: { ...companies, ...extraContext }, requestId: session.requestId, ...(session.budget ? { budget: session.budget } : {}) };
}

/** Cache keys for a session's reads: Odoo values are per company and per row limit. */
export function cacheScope(session: OdooSession): string {
  return `c${session.companyIds.join(',')}|${session.scope.key}`;
}

function fieldsOf(model: OdooModelName, fields: readonly string[] | undefined): string[] {
  if (fields) return [...fields];
  if (model in READ_FIELDS) return [...READ_FIELDS[model as ReadModel]];
  throw appError('MAPPING_ERROR', `Odoo ${model} has no default field list; name the fields to read`, { system: 'odoo', model });
}

async function searchRaw(session: OdooSession, model: OdooModelName, domain: Domain, opts: ReadOptions, fields: string[]) {
  const { context, ...page } = opts;
  return session.client.searchRead(model, await scopedDomain(session, model, domain), fields, page, callOptions(session, context));
}

/**
 * `search_read` within the session's companies and row limit. A record that does
 * not fit the mapping fails the call with MAPPING_ERROR (model, record, field).
 */
export async function searchRows<M extends ReadModel>(session: OdooSession, model: M, domain: Domain, opts?: ReadOptions): Promise<Array<Row<M>>>;
export async function searchRows<M extends OdooModelName, const F extends FieldName<M>>(session: OdooSession, model: M, domain: Domain, opts: ReadOptions, fields: readonly F[]): Promise<Array<Row<M, F>>>;
export async function searchRows(session: OdooSession, model: OdooModelName, domain: Domain, opts: ReadOptions = {}, fields?: readonly string[]) {
  const names = fieldsOf(model, fields);
  const rows = parseRecords(model, await searchRaw(session, model, domain, opts, names), names);
  session.scope.observe?.(model, rows);
  return rows;
}

/** searchRows for reads that answer field by field (see parseKeepingFieldErrors). */
export async function searchRowsKeepingFieldErrors<M extends ReadModel>(session: OdooSession, model: M, domain: Domain, opts?: ReadOptions): Promise<Array<WithFieldErrors<Row<M>>>>;
export async function searchRowsKeepingFieldErrors<M extends OdooModelName, const F extends FieldName<M>>(session: OdooSession, model: M, domain: Domain, opts: ReadOptions, fields: readonly F[]): Promise<Array<WithFieldErrors<Row<M, F>>>>;
export async function searchRowsKeepingFieldErrors(session: OdooSession, model: OdooModelName, domain: Domain, opts: ReadOptions = {}, fields?: readonly string[]) {
  const names = fieldsOf(model, fields);
  const rows = parseKeepingFieldErrors(model, await searchRaw(session, model, domain, opts, names), names);
  session.scope.observe?.(model, rows);
  return rows;
}

/**
 * `read` by id: ids that do not exist come back as fewer rows. It names records
 * directly, so it is for models without a row limit (the catalogue): a limited
 * caller's read is refused rather than run unscoped.
 */
export async function readRowsKeepingFieldErrors<M extends OdooModelName, const F extends FieldName<M>>(
  session: OdooSession,
  model: M,
  ids: readonly number[],
  fields: readonly F[],
  context: OdooContext = {},
): Promise<Array<WithFieldErrors<Row<M, F>>>> {
  if (await session.scope.domainFor(model)) throw appError('FORBIDDEN', `Odoo ${model} is row-limited for this caller; search it instead`, { system: 'odoo', model });
  const raws = await session.client.read(model, [...ids], [...fields], callOptions(session, context));
  return parseKeepingFieldErrors(model, raws, fields);
}

/** `search_count` within the session's companies and row limit. */
export async function countRows(session: OdooSession, model: OdooModelName, domain: Domain): Promise<number> {
  return session.client.searchCount(model, await scopedDomain(session, model, domain), callOptions(session));
}

/**
 * The ids of the records matching `domain`, grouped by the values of a many2one
 * (`groupField`), in one grouped read with an `id:array_agg` aggregate and `__count` per
 * group (`formatted_read_group` on Odoo 19+, `read_group` lazy=false before). Within the session's companies and row limit, like every
 * search. Ids come back ascending per group; records without a value are left out.
 */
export async function idsGroupedBy(session: OdooSession, model: OdooModelName, domain: Domain, groupField: string): Promise<Map<number, number[]>> {
  const scoped = await scopedDomain(session, model, domain);
  // JSON-2 means Odoo 19+, where read_group is deprecated (and gone after 19.0); JSON-RPC reaches 14–19, which all have read_group.
  const groups: Array<Record<string, unknown>> =
    session.client.protocol === 'json2'
      ? (await session.client.formattedReadGroup(model, scoped, [groupField], ['id:array_agg', '__count'], {}, callOptions(session))).map((g) => ({ ...g, id: g['id:array_agg'] }))
      : await session.client.readGroup(model, scoped, ['id:array_agg'], [groupField], { lazy: false }, callOptions(session));
  const out = new Map<number, number[]>();
  for (const g of groups) {
    const key = g[groupField];
    const ids = g.id;
    if (key === false) continue;
    if (!Array.isArray(key) || !Number.isInteger(key[0]) || !Array.isArray(ids) || !ids.every((i) => Number.isInteger(i)) || ids.length !== g.__count) {
      throw appError('BACKEND_PROTOCOL', `Odoo ${model}.read_group returned a group of an unexpected shape`, { system: 'odoo', model, method: 'read_group', field: groupField });
    }
    out.set(key[0] as number, [...(ids as number[])].sort((a, b) => a - b));
  }
  return out;
}

/**
 * The companies of the Odoo API user, in id order (a search without
 * allowed_company_ids sees exactly those).
 */
export async function apiUserCompanyIds(client: OdooClient, cache: MasterDataCache, requestId: string): Promise<number[]> {
  const rows = await searchRows({ client, cache, companyIds: [], requestId, scope: UNRESTRICTED }, 'res.company', [], { order: 'id asc' }, ['id']);
  return rows.map((r) => r.id);
}

/**
 * Parses backend rows field by field: a value that does not fit the mapping is
 * replaced by its MAPPING_ERROR, which the resolver of that one field returns
 * (graphql-js treats a returned Error as the field's error). The record and the
 * rest of the batch still arrive. A record without a usable id is dropped.
 */
export function parseKeepingFieldErrors<M extends OdooModelName, F extends FieldName<M>>(model: M, raws: readonly unknown[], fields: readonly F[]): Array<WithFieldErrors<Row<M, F>>>;
export function parseKeepingFieldErrors(model: OdooModelName, raws: readonly unknown[], fields: readonly string[]): Array<WithFieldErrors<{ id: number } & Record<string, unknown>>>;
export function parseKeepingFieldErrors(model: OdooModelName, raws: readonly unknown[], fields: readonly string[]): Array<WithFieldErrors<{ id: number } & Record<string, unknown>>> {
  const { ok, errors } = safeParseRecords(model, raws, fields);
  if (errors.length === 0) return ok;
  const rows: Array<WithFieldErrors<{ id: number } & Record<string, unknown>>> = [];
  for (const raw of raws) {
    let wanted = [...fields];
    const broken: Record<string, AppError> = {};
    for (;;) {
      try {
        rows.push(Object.assign(parseRecords(model, [raw], wanted)[0]!, broken));
        break;
      } catch (e) {
        const field = isAppError(e) ? (e.details.field as string | undefined) : undefined;
        if (!isAppError(e) || !field || field === 'id' || !wanted.includes(field)) break;
        broken[field] = e;
        wanted = wanted.filter((f) => f !== field);
      }
    }
  }
  return rows;
}
