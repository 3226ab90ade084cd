// HubSpot behind the CRM port: canonical kinds become HubSpot object types,
// canonical fields become properties, canonical values become HubSpot's
// enumeration values and back (canonical.ts). The HTTP side (retries, pacing,
// payload contracts) stays in HubSpotClient; this file only translates.
import { appError, isAppError, type AppError } from '../../../policy/errors.ts';
import type { LifecycleStage, QuoteStatus } from '../../../policy/vocabulary.ts';
import type {
  AccountListQuery, CrmAccount, CrmAccountPatch, CrmCallOptions, CrmContact, CrmDeal, CrmKind, CrmListKind, CrmListQueries,
  CrmOwner, CrmPort, CrmQuote, CrmQuoteDraft, CrmQuoteLine, CrmQuoteLineDraft, CrmQuotePatch, CrmRecords, FieldErrors, QuoteListQuery,
} from '../port.ts';
import { LIFECYCLE_STAGE, LIFECYCLE_STAGE_TO_HUBSPOT, QUOTE_STATUS, QUOTE_STATUS_TO_HUBSPOT, READ_PROPERTIES } from './canonical.ts';
import type { HubSpotClient, SearchRequest } from './hubspot-client.ts';
import type { HubSpotObjectType } from './mapping/objects.ts';
import { parseObjects, safeParseObjects } from './mapping/records.ts';

/** The HubSpot object type behind each canonical kind. */
export const OBJECT_TYPE: Record<CrmKind, HubSpotObjectType> = {
  account: 'companies', contact: 'contacts', quote: 'quotes', quoteLine: 'line_items', deal: 'deals',
};

/** Where each writable canonical field lands (policy/ownership.ts declares the same; test/crm-port.test.ts compares). */
export const ACCOUNT_PROPERTY = {
  name: 'name', website: 'website', domain: 'domain', industry: 'industry', segment: 'segment', phone: 'phone',
  ownerId: 'hubspot_owner_id', lifecycleStage: 'lifecyclestage',
} as const satisfies Record<keyof CrmAccountPatch, string>;
export const QUOTE_PROPERTY = {
  title: 'hs_title', status: 'hs_status', validUntil: 'hs_expiration_date', requestedDeliveryDate: 'requested_delivery_date',
  incoterm: 'incoterm', odooOrderId: 'odoo_order_id', odooOrderRef: 'odoo_order_ref',
} as const satisfies Record<keyof CrmQuotePatch, string>;
export const QUOTE_LINE_PROPERTY = {
  name: 'name', sku: 'hs_sku', quantity: 'quantity', unitPrice: 'price', discount: 'hs_discount_percentage',
} as const satisfies Record<keyof CrmQuoteLineDraft, string>;

const ID = 'hs_object_id';
const MODIFIED = 'hs_lastmodifieddate';
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
    let candidate = object as { properties?: Record<string, unknown> };
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

/** Reads canonical fields off a row, collecting the MAPPING_ERROR of each that does not fit. */
class FieldReader<R> {
  readonly errors: FieldErrors<R> = {};
  constructor(private readonly type: HubSpotObjectType, private readonly row: Row) {}

  value<T>(field: keyof FieldErrors<R>, property: string): T | null {
    const v = this.row[property];
    if (isAppError(v)) {
      this.errors[field] = v;
      return null;
    }
    return (v ?? null) as T | null;
  }

  /** An enumeration through its table; a value the table lacks (or a missing one, when required) is a MAPPING_ERROR. */
  mapped<C extends string>(field: keyof FieldErrors<R>, property: string, table: Readonly<Record<string, C>>, required = false): C | null {
    const v = this.value<string>(field, property);
    if (v == null && !required) return null;
    const out = v == null ? undefined : table[v];
    if (out === undefined) {
      if (!this.errors[field]) {
        this.errors[field] = appError('MAPPING_ERROR', `hubspot ${this.type} ${this.row.id}: ${property} has a value the canonical model does not know`, {
          system: 'hubspot', model: this.type, recordId: this.row.id, field: property,
        });
      }
      return null;
    }
    return out;
  }
}

const text = (v: unknown): string | null => (v == null ? null : String(v));

function toAccount(row: Row): CrmAccount {
  const f = new FieldReader<CrmAccount>('companies', row);
  const account = {
    id: row.id,
    name: f.value<string>('name', 'name'),
    domain: f.value<string>('domain', 'domain'),
    website: f.value<string>('website', 'website'),
    industry: f.value<string>('industry', 'industry'),
    segment: f.value<CrmAccount['segment']>('segment', 'segment'),
    phone: f.value<string>('phone', 'phone'),
    ownerId: text(f.value('ownerId', 'hubspot_owner_id')),
    lifecycleStage: f.mapped<LifecycleStage>('lifecycleStage', 'lifecyclestage', LIFECYCLE_STAGE),
    odooPartnerId: f.value<number>('odooPartnerId', 'odoo_partner_id'),
    updatedAt: f.value<string>('updatedAt', MODIFIED),
  };
  return { ...account, errors: f.errors };
}

function toContact(row: Row): CrmContact {
  const f = new FieldReader<CrmContact>('contacts', row);
  const contact = {
    id: row.id,
    firstName: f.value<string>('firstName', 'firstname'),
    lastName: f.value<string>('lastName', 'lastname'),
    email: f.value<string>('email', 'email'),
    phone: f.value<string>('phone', 'phone'),
    jobTitle: f.value<string>('jobTitle', 'jobtitle'),
    updatedAt: f.value<string>('updatedAt', 'lastmodifieddate'),
  };
  return { ...contact, errors: f.errors };
}

function toQuote(row: Row): CrmQuote {
  const f = new FieldReader<CrmQuote>('quotes', row);
  const number = f.value<string>('number', 'quote_number');
  const quote = {
    id: row.id,
    number,
    // Quotes made in HubSpot's own UI carry no business number.
    displayNumber: number ?? `HS-${row.id}`,
    title: f.value<string>('title', 'hs_title'),
    // A quote always has a status: a missing one is as unmappable as an unknown one.
    status: f.mapped<QuoteStatus>('status', 'hs_status', QUOTE_STATUS, true),
    amount: f.value<number>('amount', 'hs_quote_amount'),
    currency: f.value<string>('currency', 'hs_currency'),
    validUntil: f.value<string>('validUntil', 'hs_expiration_date'),
    requestedDeliveryDate: f.value<string>('requestedDeliveryDate', 'requested_delivery_date'),
    incoterm: f.value<CrmQuote['incoterm']>('incoterm', 'incoterm'),
    ownerId: text(f.value('ownerId', 'hubspot_owner_id')),
    odooOrderId: f.value<number>('odooOrderId', 'odoo_order_id'),
    odooOrderRef: f.value<string>('odooOrderRef', 'odoo_order_ref'),
    updatedAt: f.value<string>('updatedAt', MODIFIED) ?? (f.errors.updatedAt ? null : row.updatedAt),
  };
  return { ...quote, errors: f.errors };
}

function toQuoteLine(row: Row): CrmQuoteLine {
  const f = new FieldReader<CrmQuoteLine>('line_items', row);
  const line = {
    id: row.id,
    sku: f.value<string>('sku', 'hs_sku'),
    name: f.value<string>('name', 'name'),
    quantity: f.value<number>('quantity', 'quantity'),
    unitPrice: f.value<number>('unitPrice', 'price'),
    discount: f.value<number>('discount', 'hs_discount_percentage'),
  };
  return { ...line, errors: f.errors };
}

function toDeal(row: Row): CrmDeal {
  const f = new FieldReader<CrmDeal>('deals', row);
  const deal = {
    id: row.id,
    name: f.value<string>('name', 'dealname'),
    stage: f.value<string>('stage', 'dealstage'),
    amount: f.value<number>('amount', 'amount'),
    closeDate: f.value<string>('closeDate', 'closedate'),
    ownerId: text(f.value('ownerId', 'hubspot_owner_id')),
    updatedAt: f.value<string>('updatedAt', MODIFIED),
  };
  return { ...deal, errors: f.errors };
}

const TO_RECORD: { [K in CrmKind]: (row: Row) => CrmRecords[K] } = {
  account: toAccount, contact: toContact, quote: toQuote, quoteLine: toQuoteLine, deal: toDeal,
};

/** The HubSpot value a canonical value is written as. */
function hubspotValue<C extends string>(table: Readonly<Record<C, readonly string[]>>, value: C, what: string): string {
  const out = table[value]?.[0];
  if (out === undefined) throw appError('BAD_USER_INPUT', `${what} ${value} has no HubSpot value`, { field: what });
  return out;
}

function properties(table: Readonly<Record<string, string>>, patch: object, convert: (key: string, value: unknown) => string = (_k, v) => String(v)): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[table[key]!] = convert(key, value);
  }
  return out;
}

type Filter = SearchRequest['filterGroups'][number]['filters'][number];

export class HubSpotCrmAdapter implements CrmPort {
  readonly system = 'hubspot' as const;
  readonly label = 'HubSpot';

  constructor(private readonly client: HubSpotClient) {}

  private records<K extends CrmKind>(kind: K, objects: readonly unknown[]): Array<CrmRecords[K]> {
    return parseRows(OBJECT_TYPE[kind], objects).map((row) => TO_RECORD[kind](row));
  }

  async read<K extends CrmKind>(kind: K, ids: readonly string[], opts: CrmCallOptions = {}): Promise<Array<CrmRecords[K]>> {
    if (ids.length === 0) return [];
    const type = OBJECT_TYPE[kind];
    return this.records(kind, await this.client.batchRead(type, [...ids], [...READ_PROPERTIES[type]], { requestId: opts.requestId, budget: opts.budget }));
  }

  /** Objects by a unique property; for a scoped caller, a search limited to the ids it may see. */
  private async byUniqueProperty<K extends CrmKind>(kind: K, property: string, values: readonly string[], opts: CrmCallOptions & { withinIds?: readonly string[] }) {
    const type = OBJECT_TYPE[kind];
    if (values.length === 0) return [];
    if (!opts.withinIds) {
      return this.records(kind, await this.client.batchRead(type, [...values], [...READ_PROPERTIES[type]], { requestId: opts.requestId, budget: opts.budget, idProperty: property }));
    }
    if (opts.withinIds.length === 0) return [];
    const found = await this.client.search(type, {
      filterGroups: [{ filters: [
        { propertyName: property, operator: 'IN', values: [...values] },
        { propertyName: ID, operator: 'IN', values: [...opts.withinIds] },
      ] }],
      properties: [...READ_PROPERTIES[type]],
      limit: Math.min(100, values.length),
    }, { requestId: opts.requestId, budget: opts.budget });
    return this.records(kind, found.results);
  }

  accountsByOdooPartnerId(partnerIds: readonly string[], opts: CrmCallOptions & { withinIds?: readonly string[] } = {}): Promise<CrmAccount[]> {
    return this.byUniqueProperty('account', 'odoo_partner_id', partnerIds, opts);
  }

  quotesByNumber(numbers: readonly string[], opts: CrmCallOptions & { withinIds?: readonly string[] } = {}): Promise<CrmQuote[]> {
    return this.byUniqueProperty('quote', 'quote_number', numbers, opts);
  }

  private filters<K extends CrmListKind>(kind: K, query: CrmListQueries[K]): Filter[] | null {
    const filters: Filter[] = [];
    if (query.updatedSince) filters.push({ propertyName: MODIFIED, operator: 'GTE', value: String(query.updatedSince.getTime()) });
    if (kind === 'account') {
      const q = query as AccountListQuery;
      if (q.nameContains) filters.push({ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: `*${q.nameContains}*` });
      if (q.lifecycleStage) filters.push({ propertyName: 'lifecyclestage', operator: 'EQ', value: hubspotValue(LIFECYCLE_STAGE_TO_HUBSPOT, q.lifecycleStage, 'lifecycleStage') });
      if (q.ownerId) filters.push({ propertyName: 'hubspot_owner_id', operator: 'EQ', value: q.ownerId });
    } else {
      const q = query as QuoteListQuery;
      if (q.statuses?.length) filters.push({ propertyName: 'hs_status', operator: 'IN', values: q.statuses.flatMap((s) => QUOTE_STATUS_TO_HUBSPOT[s] ?? []) });
      if (q.number) filters.push({ propertyName: 'quote_number', operator: 'EQ', value: q.number });
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
      properties: [...READ_PROPERTIES[type]],
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

  async createQuote(draft: CrmQuoteDraft, opts: CrmCallOptions = {}): Promise<{ id: string }> {
    const quote = await this.client.create('quotes', {
      hs_title: draft.title,
      hs_status: hubspotValue(QUOTE_STATUS_TO_HUBSPOT, draft.status, 'status'),
      hs_currency: draft.currency,
      hs_expiration_date: draft.validUntil,
      quote_number: draft.number,
      ...(draft.requestedDeliveryDate ? { requested_delivery_date: draft.requestedDeliveryDate } : {}),
      ...(draft.incoterm ? { incoterm: draft.incoterm } : {}),
      hubspot_owner_id: draft.ownerId ?? '',
    }, { requestId: opts.requestId, budget: opts.budget });
    return { id: quote.id };
  }

  async updateQuote(id: string, patch: CrmQuotePatch, opts: CrmCallOptions = {}): Promise<void> {
    const props = properties(QUOTE_PROPERTY, patch, (key, value) =>
      key === 'status' ? hubspotValue(QUOTE_STATUS_TO_HUBSPOT, value as QuoteStatus, 'status') : String(value));
    await this.client.update('quotes', id, props, { requestId: opts.requestId, budget: opts.budget });
  }

  async createQuoteLine(line: CrmQuoteLineDraft, opts: CrmCallOptions = {}): Promise<{ id: string }> {
    const item = await this.client.create('line_items', properties(QUOTE_LINE_PROPERTY, line), { requestId: opts.requestId, budget: opts.budget });
    return { id: item.id };
  }

  archiveQuoteLine(id: string, opts: CrmCallOptions = {}): Promise<void> {
    return this.client.archive('line_items', id, { requestId: opts.requestId, budget: opts.budget });
  }

  async updateAccount(id: string, patch: CrmAccountPatch, opts: CrmCallOptions = {}): Promise<void> {
    const props = properties(ACCOUNT_PROPERTY, patch, (key, value) =>
      key === 'lifecycleStage' ? hubspotValue(LIFECYCLE_STAGE_TO_HUBSPOT, value as LifecycleStage, 'lifecycleStage') : String(value));
    await this.client.update('companies', id, props, { requestId: opts.requestId, budget: opts.budget });
  }

  storedValues(kind: 'account' | 'quote', values: Record<string, unknown>): Record<string, unknown> {
    const [field, table] = kind === 'account' ? ['lifecycleStage', LIFECYCLE_STAGE_TO_HUBSPOT] as const : ['status', QUOTE_STATUS_TO_HUBSPOT] as const;
    const value = values[field];
    if (value == null || !(field in values)) return values;
    return { ...values, [field]: (table as Record<string, readonly string[]>)[String(value)]?.[0] ?? value };
  }

  async associate(from: CrmKind, fromId: string, to: CrmKind, toId: string, opts: CrmCallOptions = {}): Promise<void> {
    await this.client.associate(OBJECT_TYPE[from], fromId, OBJECT_TYPE[to], toId, { requestId: opts.requestId, budget: opts.budget });
  }
}

export function createHubSpotCrm(client: HubSpotClient): CrmPort {
  return new HubSpotCrmAdapter(client);
}
