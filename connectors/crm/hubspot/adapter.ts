// HubSpot behind the CRM port: canonical kinds become HubSpot object types,
// canonical fields become properties, canonical values become HubSpot's
// enumeration values and back (canonical.ts). The HTTP side (retries, pacing,
// payload contracts) stays in HubSpotClient; this file only translates.
import { appError, isAppError, type AppError } from '../../../policy/errors.ts';
import type { Deadline } from '../../../core/deadline.ts';
import type { LifecycleStage, QuoteStatus } from '../../../policy/vocabulary.ts';
import type {
  CopyValues, CrmAlongside, CrmCopyObject, CrmTimelineNote,
  AccountListQuery, CrmAccount, CrmAccountPatch, CrmCallOptions, CrmKind, CrmListKind, CrmListQueries,
  CrmDealDraft, CrmOwner, CrmPort, CrmQuote, CrmQuoteDraft, CrmQuoteLineDraft, CrmQuotePatch, CrmRecords, CrmRemovableKind, CrmRemoval, FieldErrors, QuoteListQuery,
} from '../port.ts';
import {
  LIFECYCLE_STAGE, LIFECYCLE_STAGE_TO_HUBSPOT, OBJECT_TYPE, PROPERTY, QUOTE_STATUS, QUOTE_STATUS_TO_HUBSPOT, READ_PROPERTIES, type MappedField,
} from './canonical.ts';
import { HUBSPOT_LIMITS, type HubSpotClient, type SearchRequest } from './hubspot-client.ts';
import { fromHubSpotValue, SYNC_OBJECT_TYPE, SYNC_PROPERTIES, toHubSpotValue, type SyncProperty } from './sync-properties.ts';
import { withUnreadable, type HubSpotObject, type HubSpotObjectType } from './mapping/objects.ts';
import { parseObjects, safeParseObjects } from './mapping/records.ts';
import { HubSpotMasterData } from './master-data.ts';

const ID = 'hs_object_id';
/** Filters in one group, well inside HubSpot's per-group limit (one is kept for the paging cursor). */
const MAX_FILTERS = 6;

/** A HubSpot object parsed property by property: a property that did not fit holds its MAPPING_ERROR. */
type Row = { id: string; updatedAt: string } & Record<string, unknown>;

/**
 * Parses HubSpot objects property by property: a property that does not fit the
 * mapping is replaced by its MAPPING_ERROR; the object and the rest of the batch
 * still arrive. An object without a usable id is dropped.
 */
export function parseRows(type: HubSpotObjectType, objects: readonly unknown[]): Row[] {
  const { ok, errors } = safeParseObjects(type, objects as never);
  if (errors.length === 0) return ok as unknown as Row[];
  const rows: Row[] = [];
  for (const object of objects) {
    let candidate = withUnreadable(object) as { properties?: Record<string, unknown> };
    const broken: Record<string, AppError> = {};
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        rows.push(Object.assign(parseObjects(type, [candidate] as never)[0] as unknown as Row, broken));
        break;
      } catch (e) {
        const field = isAppError(e) ? (e.details.field as string | undefined) : undefined;
        if (!isAppError(e) || !field || !candidate.properties || !(field in candidate.properties)) break;
        broken[field] = e;
        const { [field]: _bad, ...rest } = candidate.properties;
        candidate = { ...candidate, properties: rest };
      }
    }
  }
  return rows;
}

/** A canonical enumeration field: HubSpot's values → canonical (read) and back (written). */
interface ValueTable {
  read: Readonly<Record<string, string>>;
  write: Readonly<Record<string, readonly string[]>>;
  /** A record always has it: a missing value is as unmappable as an unknown one. */
  required?: boolean;
}
const VALUE_TABLES: { readonly [K in CrmKind]?: Partial<Record<MappedField<K>, ValueTable>> } = {
  account: { lifecycleStage: { read: LIFECYCLE_STAGE, write: LIFECYCLE_STAGE_TO_HUBSPOT } },
  quote: { status: { read: QUOTE_STATUS, write: QUOTE_STATUS_TO_HUBSPOT, required: true } },
};
const valueTable = (kind: CrmKind, field: string): ValueTable | undefined => (VALUE_TABLES[kind] as Record<string, ValueTable> | undefined)?.[field];
const propertyOf = (kind: CrmKind, field: string): string => (PROPERTY[kind] as Record<string, string>)[field]!;

/** How one field of a port record is read off a row: its property, its enumeration table, whether it is an owner id. */
interface FieldPlan {
  field: string;
  property: string;
  table: ValueTable | undefined;
  ownerId: boolean;
}

/** Each kind's fields in PROPERTY's order, planned once (not per record: issue 13, CPU per request). */
const FIELD_PLANS = Object.fromEntries(
  (Object.keys(PROPERTY) as CrmKind[]).map((kind) => [
    kind,
    Object.keys(PROPERTY[kind]).map((field): FieldPlan => ({ field, property: propertyOf(kind, field), table: valueTable(kind, field), ownerId: field === 'ownerId' })),
  ]),
) as unknown as Record<CrmKind, readonly FieldPlan[]>;

/**
 * A port record from a parsed row: each field from its property, enumerations through
 * their tables. A property that did not fit (its MAPPING_ERROR in the row) fails that
 * field only; an enumeration value the table lacks (or a missing one, when required)
 * is a MAPPING_ERROR of its own.
 */
function toRecord<K extends CrmKind>(kind: K, row: Row): CrmRecords[K] {
  const errors: Record<string, AppError> = {};
  const record: Record<string, unknown> = { id: row.id };
  for (const plan of FIELD_PLANS[kind]) {
    const { field, table } = plan;
    let v = row[plan.property];
    // Parsed values are primitives; an object there is the property's MAPPING_ERROR.
    if (typeof v === 'object' && v !== null && isAppError(v)) {
      errors[field] = v;
      v = null;
    } else v ??= null;
    if (table && (v != null || table.required)) {
      const out = v == null ? undefined : table.read[String(v)];
      if (out === undefined) {
        const type = OBJECT_TYPE[kind];
        errors[field] ??= appError('MAPPING_ERROR', `hubspot ${type} ${row.id}: ${plan.property} has a value the canonical model does not know`, {
          system: 'hubspot', model: type, recordId: row.id, field: plan.property,
        });
        v = null;
      } else v = out;
    }
    // Owner ids are numbers to HubSpot's parser and opaque strings to the port.
    record[field] = plan.ownerId && v != null ? String(v) : v;
  }
  if (kind === 'quote') {
    // Quotes made in HubSpot's own UI carry no business number.
    record.displayNumber = record.number ?? `HS-${row.id}`;
    record.updatedAt ??= errors.updatedAt ? null : row.updatedAt;
  }
  record.errors = errors as FieldErrors<CrmRecords[K]>;
  return record as unknown as CrmRecords[K];
}

/** The HubSpot value a canonical value is written as. */
function hubspotValue(table: Readonly<Record<string, readonly string[]>>, value: string, what: string): string {
  const out = table[value]?.[0];
  if (out === undefined) throw appError('BAD_USER_INPUT', `${what} ${value} has no HubSpot value`, { field: what });
  return out;
}

/** A patch of record fields as HubSpot properties and values; undefined fields are left alone. */
function properties<K extends CrmKind>(kind: K, patch: Partial<Record<MappedField<K>, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const table = valueTable(kind, field);
    // null clears: HubSpot empties a property written as ''.
    out[propertyOf(kind, field)] = value === null ? '' : table ? hubspotValue(table.write, String(value), field) : String(value);
  }
  return out;
}

type Filter = SearchRequest['filterGroups'][number]['filters'][number];

/** The deal a new quote hangs off starts in HubSpot's default pipeline, at the stage where a quote is being prepared. */
const NEW_DEAL = { pipeline: 'default', dealstage: 'presentationscheduled' } as const;

export interface HubSpotCrmSettings {
  /** HUBSPOT_QUOTE_TEMPLATE_ID: the template new quotes use; without it, the portal's first active template. */
  quoteTemplateId?: string;
}

export class HubSpotCrmAdapter implements CrmPort {
  readonly system = 'hubspot' as const;
  readonly label = 'HubSpot';
  /**
   * The client's own timeout plus a margin: HubSpot publishes no bound on how long it
   * keeps working on a request its caller abandoned, and this is the judgment that one
   * not committed HUBSPOT_CREATE_LANDING_MARGIN_MS after the caller gave up never will be.
   */
  get createSettleMs(): number {
    return this.client.timeoutMs + HUBSPOT_CREATE_LANDING_MARGIN_MS;
  }
  /** The discovered default template, shared by every request's view (templates change rarely; a restart re-reads). */
  private readonly discovered: { template?: Promise<string | null> };

  readonly masterData: HubSpotMasterData;

  constructor(private readonly client: HubSpotClient, private readonly settings: HubSpotCrmSettings = {}, shared?: { template?: Promise<string | null> }) {
    this.discovered = shared ?? {};
    this.masterData = new HubSpotMasterData(client);
  }

  forRequest(deadline: Deadline): CrmPort {
    return new HubSpotCrmAdapter(this.client.forRequest(deadline), this.settings, this.discovered);
  }

  private records<K extends CrmKind>(kind: K, objects: readonly unknown[]): Array<CrmRecords[K]> {
    return parseRows(OBJECT_TYPE[kind], objects).map((row) => toRecord(kind, row));
  }

  async read<K extends CrmKind>(kind: K, ids: readonly string[], opts: CrmCallOptions = {}): Promise<Array<CrmRecords[K]>> {
    if (ids.length === 0) return [];
    const type = OBJECT_TYPE[kind];
    return this.records(kind, await this.client.batchRead(type, [...ids], [...READ_PROPERTIES[kind]], { requestId: opts.requestId, budget: opts.budget }));
  }

  /**
   * Objects by a unique property, read by `idProperty` (batch read): unlike search,
   * it sees a record the moment it is written, so a quote just created is found by
   * its number. A scoped caller gets only the ids it may see.
   */
  private async byUniqueProperty<K extends CrmKind>(kind: K, property: string, values: readonly string[], opts: CrmCallOptions & { withinIds?: readonly string[]; alongside?: CrmAlongside }) {
    const type = OBJECT_TYPE[kind];
    if (values.length === 0 || opts.withinIds?.length === 0) return [];
    const call = { requestId: opts.requestId, budget: opts.budget, idProperty: property };
    const allowed = opts.withinIds ? new Set(opts.withinIds) : undefined;
    if (values.length === 1 && opts.alongside) {
      // One record: a GET by the unique property sees it as soon as it is written too, and
      // brings its associations in the same call (two association reads fewer for a quote card).
      const { to, found } = opts.alongside;
      const got = await this.client.getWithAssociations(type, values[0]!, [...READ_PROPERTIES[kind]], to.map((k) => OBJECT_TYPE[k]), call);
      if (!got) return [];
      const [record] = this.records(kind, [got.object]);
      if (!record || (allowed && !allowed.has(record.id))) return [];
      for (const k of to) {
        const ids = got.associations.get(OBJECT_TYPE[k]);
        if (ids) found(record.id, k, ids);
      }
      return [record];
    }
    const found = this.records(kind, await this.client.batchRead(type, [...values], [...READ_PROPERTIES[kind]], call));
    return allowed ? found.filter((r) => allowed.has(r.id)) : found;
  }

  accountsByOdooPartnerId(partnerIds: readonly string[], opts: CrmCallOptions & { withinIds?: readonly string[] } = {}): Promise<CrmAccount[]> {
    return this.byUniqueProperty('account', PROPERTY.account.odooPartnerId, partnerIds, opts);
  }

  quotesByNumber(numbers: readonly string[], opts: CrmCallOptions & { withinIds?: readonly string[]; alongside?: CrmAlongside } = {}): Promise<CrmQuote[]> {
    return this.byUniqueProperty('quote', PROPERTY.quote.number, numbers, opts);
  }

  private filters<K extends CrmListKind>(kind: K, query: CrmListQueries[K]): Filter[] | null {
    const filters: Filter[] = [];
    if (query.updatedSince) filters.push({ propertyName: PROPERTY[kind].updatedAt, operator: 'GTE', value: String(query.updatedSince.getTime()) });
    if (kind === 'account') {
      const q = query as AccountListQuery;
      const p = PROPERTY.account;
      if (q.nameContains) filters.push({ propertyName: p.name, operator: 'CONTAINS_TOKEN', value: `*${q.nameContains}*` });
      if (q.lifecycleStage) filters.push({ propertyName: p.lifecycleStage, operator: 'EQ', value: hubspotValue(LIFECYCLE_STAGE_TO_HUBSPOT, q.lifecycleStage, 'lifecycleStage') });
      if (q.ownerId) filters.push({ propertyName: p.ownerId, operator: 'EQ', value: q.ownerId });
    } else {
      const q = query as QuoteListQuery;
      const p = PROPERTY.quote;
      if (q.statuses?.length) filters.push({ propertyName: p.status, operator: 'IN', values: q.statuses.flatMap((s) => QUOTE_STATUS_TO_HUBSPOT[s] ?? []) });
      if (q.number) filters.push({ propertyName: p.number, operator: 'EQ', value: q.number });
    }
    for (const ids of query.withinIds ?? []) {
      if (ids.length === 0) return null; // nothing can match
      filters.push({ propertyName: ID, operator: 'IN', values: [...ids] });
    }
    if (filters.length + 1 > MAX_FILTERS) throw appError('BAD_USER_INPUT', 'Too many filters', { field: 'filter' });
    return filters;
  }

  async list<K extends CrmListKind>(kind: K, query: CrmListQueries[K], opts: CrmCallOptions = {}): Promise<Array<CrmRecords[K]>> {
    const filters = this.filters(kind, query);
    if (!filters) return [];
    // Keyset paging on the object id: pages stay stable and never hit search's 10,000-result cap.
    const cursor: Filter[] = query.afterId ? [{ propertyName: ID, operator: 'GT', value: query.afterId }] : [];
    const type = OBJECT_TYPE[kind];
    const result = await this.client.search(type, {
      filterGroups: filters.length + cursor.length ? [{ filters: [...filters, ...cursor] }] : [],
      sorts: [{ propertyName: ID, direction: 'ASCENDING' }],
      properties: [...READ_PROPERTIES[kind]],
      limit: query.limit,
    }, { requestId: opts.requestId, budget: opts.budget });
    return this.records(kind, result.results);
  }

  async count<K extends CrmListKind>(kind: K, query: CrmListQueries[K], opts: CrmCallOptions = {}): Promise<number> {
    const filters = this.filters(kind, query);
    if (!filters) return 0;
    const result = await this.client.search(OBJECT_TYPE[kind], { filterGroups: filters.length ? [{ filters }] : [], properties: [ID], limit: 1 }, { requestId: opts.requestId, budget: opts.budget });
    return result.total;
  }

  associations(from: CrmKind, ids: readonly string[], to: CrmKind, opts: CrmCallOptions = {}): Promise<Map<string, string[]>> {
    return this.client.associations(OBJECT_TYPE[from], [...ids], OBJECT_TYPE[to], { requestId: opts.requestId, budget: opts.budget });
  }

  async owners(opts: CrmCallOptions = {}): Promise<CrmOwner[]> {
    return (await this.client.listOwners({ requestId: opts.requestId, budget: opts.budget })).map((o) => ({
      id: o.id, name: [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email, email: o.email ?? null,
    }));
  }

  /**
   * HubSpot's archived list has no filter or sort by archivedAt: every page is read
   * (each a call on the request's budget) and filtered here. It holds 90 days of
   * archivals, so it stays bounded.
   */
  async removedSince(kind: CrmRemovableKind, since: Date, opts: CrmCallOptions = {}): Promise<CrmRemoval[]> {
    const out: CrmRemoval[] = [];
    let after: string | undefined;
    do {
      const page = await this.client.list(OBJECT_TYPE[kind], { after, archived: true }, [ID], { requestId: opts.requestId, budget: opts.budget });
      for (const o of page.results) {
        const at = o.archivedAt ?? o.updatedAt;
        if (Date.parse(at) >= since.getTime()) out.push({ id: o.id, removedAt: new Date(at).toISOString() });
      }
      after = page.nextAfter;
    } while (after);
    return out.sort((a, b) => a.removedAt.localeCompare(b.removedAt) || a.id.localeCompare(b.id));
  }

  async createQuote(draft: CrmQuoteDraft, opts: CrmCallOptions = {}): Promise<{ id: string }> {
    const quote = await this.client.create(OBJECT_TYPE.quote, properties('quote', {
      ...draft,
      // Unset optional properties are left out; a quote without an owner is written as unowned.
      requestedDeliveryDate: draft.requestedDeliveryDate || undefined,
      incoterm: draft.incoterm || undefined,
      ownerId: draft.ownerId ?? '',
    }), { requestId: opts.requestId, budget: opts.budget });
    return { id: quote.id };
  }

  async createDeal(draft: CrmDealDraft, opts: CrmCallOptions = {}): Promise<{ id: string }> {
    const deal = await this.client.create(OBJECT_TYPE.deal, {
      // closedate is a datetime property: a full UTC instant, not a bare date.
      ...properties('deal', { name: draft.name, amount: draft.amount, closeDate: `${draft.closeDate}T00:00:00.000Z`, ownerId: draft.ownerId ?? undefined }),
      ...NEW_DEAL,
      deal_currency_code: draft.currency,
    }, {
      requestId: opts.requestId, budget: opts.budget,
      ...(draft.quoteId ? { associations: [{ toId: draft.quoteId, typeId: CREATE_ASSOCIATION_TYPE.dealToQuote }] } : {}),
    });
    return { id: deal.id };
  }

  defaultQuoteTemplate(opts: CrmCallOptions = {}): Promise<string | null> {
    if (this.settings.quoteTemplateId) return Promise.resolve(this.settings.quoteTemplateId);
    const type = OBJECT_TYPE.quoteTemplate;
    const discover = async (): Promise<string | null> => {
      // The lowest-id active template: the portal's oldest, so every process picks the same one.
      let after: string | undefined;
      do {
        const page = await this.client.list(type, { limit: 100, after }, [...READ_PROPERTIES.quoteTemplate], { requestId: opts.requestId, budget: opts.budget });
        const active = this.records('quoteTemplate', page.results).find((t) => t.active !== false);
        if (active) return active.id;
        after = page.nextAfter;
      } while (after !== undefined);
      return null;
    };
    // A failed discovery is not remembered: the next quote tries again.
    const pending = (this.discovered.template ??= discover().catch((e: unknown) => {
      this.discovered.template = undefined;
      throw e;
    }));
    return pending;
  }

  async updateQuote(id: string, patch: CrmQuotePatch, opts: CrmCallOptions = {}): Promise<void> {
    await this.client.update(OBJECT_TYPE.quote, id, properties('quote', patch), { requestId: opts.requestId, budget: opts.budget });
  }

  async createQuoteLine(line: CrmQuoteLineDraft, opts: CrmCallOptions = {}): Promise<{ id: string }> {
    const { quoteId, ...fields } = line;
    const item = await this.client.create(OBJECT_TYPE.quoteLine, properties('quoteLine', fields), {
      requestId: opts.requestId, budget: opts.budget, associations: [{ toId: quoteId, typeId: CREATE_ASSOCIATION_TYPE.lineItemToQuote }],
    });
    return { id: item.id };
  }

  archiveQuoteLine(id: string, opts: CrmCallOptions = {}): Promise<void> {
    return this.client.archive(OBJECT_TYPE.quoteLine, id, { requestId: opts.requestId, budget: opts.budget });
  }

  async updateAccount(id: string, patch: CrmAccountPatch, opts: CrmCallOptions = {}): Promise<void> {
    await this.client.update(OBJECT_TYPE.account, id, properties('account', patch), { requestId: opts.requestId, budget: opts.budget });
  }

  storedValues(kind: 'account' | 'quote', values: Record<string, unknown>): Record<string, unknown> {
    const out = { ...values };
    for (const [field, value] of Object.entries(values)) {
      const table = valueTable(kind, field);
      if (table && value != null) out[field] = table.write[String(value)]?.[0] ?? value;
    }
    return out;
  }

  async associate(from: CrmKind, fromId: string, to: CrmKind, toId: string, opts: CrmCallOptions = {}): Promise<void> {
    await this.client.associate(OBJECT_TYPE[from], fromId, OBJECT_TYPE[to], toId, { requestId: opts.requestId, budget: opts.budget });
  }

  async quotesByOdooOrderId(orderIds: readonly number[], opts: CrmCallOptions = {}): Promise<CrmQuote[]> {
    const ids = [...new Set(orderIds)].map(String);
    const out = new Map<string, CrmQuote>();
    // Every quote of every order, pages followed: a caller may take "none" for an answer.
    // Sorted by id, so a quote created while the pages are read lands on a later page
    // rather than shifting one already read.
    for (let i = 0; i < ids.length; i += HUBSPOT_LIMITS.searchInValues) {
      const values = ids.slice(i, i + HUBSPOT_LIMITS.searchInValues);
      const seen = new Set<string>();
      let after: string | undefined;
      do {
        const found = await this.client.search(OBJECT_TYPE.quote, {
          filterGroups: [{ filters: [{ propertyName: PROPERTY.quote.odooOrderId, operator: 'IN', values }] }],
          sorts: [{ propertyName: ID, direction: 'ASCENDING' }],
          properties: [...READ_PROPERTIES.quote],
          limit: HUBSPOT_LIMITS.searchPageSize,
          ...(after !== undefined ? { after } : {}),
        }, { requestId: opts.requestId, budget: opts.budget });
        for (const q of this.records('quote', found.results)) out.set(q.id, q);
        if (found.nextAfter !== undefined && (seen.has(found.nextAfter) || found.results.length === 0)) {
          throw appError('BACKEND_PROTOCOL', 'HubSpot quote search paging did not advance', { system: 'hubspot', operation: 'search', model: OBJECT_TYPE.quote });
        }
        after = found.nextAfter;
        if (after !== undefined) seen.add(after);
      } while (after !== undefined);
    }
    return [...out.values()];
  }

  async readCopies(object: CrmCopyObject, ids: readonly string[], opts: CrmCallOptions = {}): Promise<Map<string, CopyValues>> {
    if (ids.length === 0) return new Map();
    const props = copyProperties(object);
    const objects = await this.client.batchRead(SYNC_OBJECT_TYPE[object], [...ids], props.map(([, p]) => p.name), { requestId: opts.requestId, budget: opts.budget });
    // A copy that cannot be read is not "unset": the sync would overwrite it (a credit hold's start) or repeat what it records.
    for (const o of objects) for (const [, p] of props) refuseUnreadable(SYNC_OBJECT_TYPE[object], o, p.name);
    return new Map(objects.map((o) => [o.id, Object.fromEntries(props.map(([field, p]) => [field, fromHubSpotValue(p, o.properties[p.name])]))]));
  }

  async writeCopies(object: CrmCopyObject, id: string, values: CopyValues, opts: CrmCallOptions = {}): Promise<void> {
    const table = SYNC_PROPERTIES[object] as Record<string, SyncProperty>;
    const properties: Record<string, string> = {};
    for (const [field, value] of Object.entries(values)) {
      const prop = table[field];
      if (!prop) throw appError('INTERNAL', `no HubSpot property is declared for the ${object} copy ${field}`);
      properties[prop.name] = toHubSpotValue(prop, value);
    }
    if (Object.keys(properties).length === 0) return;
    await this.client.update(SYNC_OBJECT_TYPE[object], id, properties, { requestId: opts.requestId, budget: opts.budget });
  }

  async notesOn(object: CrmCopyObject, id: string, opts: CrmCallOptions = {}): Promise<CrmTimelineNote[]> {
    const call = { requestId: opts.requestId, budget: opts.budget };
    const ids = (await this.client.associations(SYNC_OBJECT_TYPE[object], [id], 'notes', call)).get(id) ?? [];
    if (ids.length === 0) return [];
    const notes = await this.client.batchRead('notes', ids, ['hs_note_body'], call);
    // A body that cannot be read would hide its milestone marker, and the milestone would be noted again.
    for (const n of notes) refuseUnreadable('notes', n, 'hs_note_body');
    return notes.map((n) => ({ id: n.id, body: n.properties.hs_note_body ?? null }));
  }

  async addNote(object: CrmCopyObject, id: string, note: { body: string; at: Date }, opts: CrmCallOptions = {}): Promise<{ id: string }> {
    const created = await this.client.create('notes', { hs_note_body: note.body, hs_timestamp: note.at.toISOString() }, {
      requestId: opts.requestId, budget: opts.budget, associations: [{ toId: id, typeId: NOTE_ASSOCIATION_TYPE[object] }],
    });
    return { id: created.id };
  }
}

/** MAPPING_ERROR naming the object and property when HubSpot sent the property as something other than a string or null. */
function refuseUnreadable(type: HubSpotObjectType, object: HubSpotObject, property: string): void {
  if (object.unreadable && property in object.unreadable) {
    throw appError('MAPPING_ERROR', `HubSpot ${type} ${object.id}: ${property} must be a string or null (HubSpot sends every property as a string)`, {
      system: 'hubspot', model: type, recordId: object.id, field: property,
    });
  }
}

/** HubSpot's default association type ids from a note (v4, HUBSPOT_DEFINED): note → deal 214, note → company 190. */
const NOTE_ASSOCIATION_TYPE = { deal: 214, account: 190 } as const satisfies Record<CrmCopyObject, number>;
const HUBSPOT_CREATE_LANDING_MARGIN_MS = 10_000;

/** HubSpot's HUBSPOT_DEFINED association type ids for links made in a create request (deal → quote, line item → quote). */
const CREATE_ASSOCIATION_TYPE = { dealToQuote: 63, lineItemToQuote: 68 } as const;

function copyProperties(object: CrmCopyObject): Array<[string, SyncProperty]> {
  return Object.entries(SYNC_PROPERTIES[object]) as Array<[string, SyncProperty]>;
}

export function createHubSpotCrm(client: HubSpotClient, settings: HubSpotCrmSettings = {}): CrmPort {
  return new HubSpotCrmAdapter(client, settings);
}
