// The CRM port: everything the CRM and writes subgraphs ask of a CRM, in canonical
// terms. An adapter (connectors/crm/hubspot/adapter.ts; Salesforce next) maps its
// system's objects, property names and enumeration values to these records and
// back; nothing above this line knows which CRM it talks to.
//
// Mapping failures stay per field (R9, §8 "malformed payloads"): a record whose
// value for one field does not fit arrives with that field null and its
// MAPPING_ERROR in `errors`, so one malformed record costs one field, not the
// response.
import type { AppError } from '../../policy/errors.ts';
import type { CrmSystem } from '../../core/crm-system.ts';
import type { Deadline } from '../../core/deadline.ts';
import type { CallBudget } from '../../core/call-budget.ts';
import type { AccountSegment, Incoterm, LifecycleStage, QuoteStatus } from '../../policy/vocabulary.ts';
import type { CrmCopyObject } from '../../policy/ownership.ts';

export type { CrmCopyObject };
/**
 * Read-only copies of Odoo-owned facts on a CRM record (policy/ownership.ts
 * CRM_COPIES), by copy name: enumeration values canonical (CONFIRMED), dates
 * YYYY-MM-DD, null = unset.
 */
export type CopyValues = Record<string, string | number | boolean | null>;

/** A note on a record's timeline (HubSpot: a note engagement associated with it). */
export interface CrmTimelineNote {
  id: string;
  body: string | null;
}

/** The MAPPING_ERROR of each field whose backend value did not fit (that field is null). */
export type FieldErrors<T> = Partial<Record<Exclude<keyof T, 'id' | 'errors'>, AppError>>;

export interface CrmAccount {
  id: string;
  name: string | null;
  domain: string | null;
  website: string | null;
  industry: string | null;
  segment: AccountSegment | null;
  phone: string | null;
  /** The owning sales rep (CrmOwner.id). */
  ownerId: string | null;
  lifecycleStage: LifecycleStage | null;
  /** The cross-reference (§4): the Odoo res.partner id the CRM record names. */
  odooPartnerId: number | null;
  updatedAt: string | null;
  errors: FieldErrors<CrmAccount>;
}

export interface CrmContact {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  updatedAt: string | null;
  errors: FieldErrors<CrmContact>;
}

export interface CrmQuote {
  id: string;
  /** The business number (unique), e.g. Q-2026-00042; null for a quote made without one. */
  number: string | null;
  /** What to show when there is no business number: the adapter's stand-in. */
  displayNumber: string;
  title: string | null;
  status: QuoteStatus | null;
  amount: number | null;
  currency: string | null;
  validUntil: string | null;
  requestedDeliveryDate: string | null;
  incoterm: Incoterm | null;
  ownerId: string | null;
  /** The Odoo sale.order the quote became, once confirmed. */
  odooOrderId: number | null;
  odooOrderRef: string | null;
  /**
   * The largest line discount (percent) the approval of this quote covers, written by
   * approveQuote with the approver's authority; null when the quote was not approved
   * through the gateway (e.g. by the CRM's own approval feature).
   */
  approvedDiscountLimit: number | null;
  updatedAt: string | null;
  errors: FieldErrors<CrmQuote>;
}

/** A template a quote is rendered with (made in the CRM's UI; the integration only reads it). */
export interface CrmQuoteTemplate {
  id: string;
  name: string | null;
  active: boolean | null;
  errors: FieldErrors<CrmQuoteTemplate>;
}

export interface CrmQuoteLine {
  id: string;
  sku: string | null;
  name: string | null;
  quantity: number | null;
  unitPrice: number | null;
  /** Percent, 0–100. */
  discount: number | null;
  errors: FieldErrors<CrmQuoteLine>;
}

export interface CrmDeal {
  id: string;
  name: string | null;
  stage: string | null;
  amount: number | null;
  closeDate: string | null;
  ownerId: string | null;
  updatedAt: string | null;
  errors: FieldErrors<CrmDeal>;
}

/** A sales rep. */
export interface CrmOwner {
  id: string;
  name: string;
  email: string | null;
}

export interface CrmRecords {
  account: CrmAccount;
  contact: CrmContact;
  quote: CrmQuote;
  quoteLine: CrmQuoteLine;
  deal: CrmDeal;
  quoteTemplate: CrmQuoteTemplate;
}
export type CrmKind = keyof CrmRecords;
export type CrmRecord = CrmRecords[CrmKind];

/** One page of a list, in id order (keyset paging: stable under inserts, no result cap). */
export interface CrmListQuery {
  /** Only records changed at or after this instant (incremental loads). */
  updatedSince?: Date;
  /** Only these ids (row scope, association filters); each list is ANDed. */
  withinIds?: ReadonlyArray<readonly string[]>;
  /** Only ids after this one. */
  afterId?: string;
  limit: number;
}
export interface AccountListQuery extends CrmListQuery {
  /** Name contains this text (token match). */
  nameContains?: string;
  lifecycleStage?: LifecycleStage;
  ownerId?: string;
}
export interface QuoteListQuery extends CrmListQuery {
  statuses?: QuoteStatus[];
  number?: string;
}
export interface CrmListQueries {
  account: AccountListQuery;
  quote: QuoteListQuery;
}
export type CrmListKind = keyof CrmListQueries;

/** The kinds a loader can learn removals of. */
export type CrmRemovableKind = 'account' | 'contact' | 'quote';
export interface CrmRemoval {
  id: string;
  /** When the CRM removed it (HubSpot: archivedAt). */
  removedAt: string;
}

/** Per-call options: the request id is forwarded so backend logs join ours. */
export interface CrmCallOptions {
  requestId?: string;
  /** The request's backend-call budget (core/call-budget.ts): each backend call spends one. */
  budget?: CallBudget;
}

/** What a new quote carries. */
export interface CrmQuoteDraft {
  number: string;
  title: string;
  status: QuoteStatus;
  currency: string;
  validUntil: string;
  requestedDeliveryDate?: string | null;
  incoterm?: Incoterm | null;
  ownerId: string | null;
}

/** What a new deal (opportunity) carries: the one a new quote hangs off. */
export interface CrmDealDraft {
  name: string;
  amount: number;
  currency: string;
  /** YYYY-MM-DD */
  closeDate: string;
  ownerId: string | null;
  /**
   * The quote the deal is made for, linked in the create itself: the deal never exists
   * without it, and an attempt that lost the create's answer finds the deal from the quote.
   */
  quoteId?: string;
}

/** The quote fields writes may change. */
export interface CrmQuotePatch {
  title?: string;
  status?: QuoteStatus;
  validUntil?: string;
  requestedDeliveryDate?: string;
  incoterm?: Incoterm;
  odooOrderId?: number;
  odooOrderRef?: string;
  /** null clears it (an edited quote's old approval no longer covers anything). */
  approvedDiscountLimit?: number | null;
}

export interface CrmQuoteLineDraft {
  /**
   * The quote the line is on, linked in the create itself: a line never exists outside
   * its quote, so an attempt that lost the create's answer finds it among the quote's lines.
   */
  quoteId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  discount: number;
}

/** The account fields writes may change (the CRM-owned ones, policy/ownership.ts). */
export interface CrmAccountPatch {
  name?: string;
  website?: string;
  domain?: string;
  industry?: string;
  segment?: AccountSegment;
  phone?: string;
  ownerId?: string;
  lifecycleStage?: LifecycleStage;
}

/**
 * Associations a read may deliver with the records at no extra backend call. A CRM that
 * cannot, or not for this read, calls nothing; the caller then reads them with associations().
 */
export interface CrmAlongside {
  /** The kinds whose associated ids the caller is about to need. */
  to: readonly CrmKind[];
  /** Once per record and kind whose complete list of associated ids came with the read. */
  found(fromId: string, to: CrmKind, toIds: string[]): void;
}

export interface CrmPort {
  /** The concrete system, as errors and the audit trail name it (`extensions.system`). */
  readonly system: CrmSystem;
  /** Its name for people, in messages. */
  readonly label: string;
  /**
   * How long after a create was sent it may still land in the CRM though its caller
   * gave up on the answer (timed out, lost the connection): until then, not finding
   * the record is no proof it was not created.
   */
  readonly createSettleMs: number;

  /**
   * This port for one request: every call it makes runs within the request's
   * deadline and is cancelled with it (core/deadline.ts).
   */
  forRequest(deadline: Deadline): CrmPort;

  /** Records by id; ids the CRM does not know are left out. */
  read<K extends CrmKind>(kind: K, ids: readonly string[], opts?: CrmCallOptions): Promise<Array<CrmRecords[K]>>;
  /** Accounts by the cross-reference (their Odoo partner id), optionally only among `withinIds`. */
  accountsByOdooPartnerId(partnerIds: readonly string[], opts?: CrmCallOptions & { withinIds?: readonly string[] }): Promise<CrmAccount[]>;
  /**
   * Quotes by business number, optionally only among `withinIds`. With `alongside`, the
   * CRM may hand over associated ids it gets in the same call (HubSpot does for one quote).
   */
  quotesByNumber(numbers: readonly string[], opts?: CrmCallOptions & { withinIds?: readonly string[]; alongside?: CrmAlongside }): Promise<CrmQuote[]>;
  /** One page of a list (at most `limit` records, in id order). */
  list<K extends CrmListKind>(kind: K, query: CrmListQueries[K], opts?: CrmCallOptions): Promise<Array<CrmRecords[K]>>;
  /** How many records the query matches (ignores afterId and limit). */
  count<K extends CrmListKind>(kind: K, query: CrmListQueries[K], opts?: CrmCallOptions): Promise<number>;
  /** Ids of `to` records associated with each `from` id (every requested id is a key). */
  associations(from: CrmKind, ids: readonly string[], to: CrmKind, opts?: CrmCallOptions): Promise<Map<string, string[]>>;
  /** Every active sales rep. */
  owners(opts?: CrmCallOptions): Promise<CrmOwner[]>;
  /**
   * Records removed from the CRM at or after `since`, oldest first: what an incremental
   * loader needs to drop from its copy (HubSpot archives rather than deletes, and lists
   * archived records for 90 days).
   */
  removedSince(kind: CrmRemovableKind, since: Date, opts?: CrmCallOptions): Promise<CrmRemoval[]>;

  createQuote(draft: CrmQuoteDraft, opts?: CrmCallOptions): Promise<{ id: string }>;
  createDeal(draft: CrmDealDraft, opts?: CrmCallOptions): Promise<{ id: string }>;
  /**
   * The template new quotes are made with: the configured one, else the CRM's first
   * active template; null when the CRM has none (then no quote can be approved).
   */
  defaultQuoteTemplate(opts?: CrmCallOptions): Promise<string | null>;
  updateQuote(id: string, patch: CrmQuotePatch, opts?: CrmCallOptions): Promise<void>;
  createQuoteLine(line: CrmQuoteLineDraft, opts?: CrmCallOptions): Promise<{ id: string }>;
  /** Archives a quote line; one already gone counts as archived. */
  archiveQuoteLine(id: string, opts?: CrmCallOptions): Promise<void>;
  updateAccount(id: string, patch: CrmAccountPatch, opts?: CrmCallOptions): Promise<void>;
  /**
   * Canonical field values as this CRM stores them (lifecycle stage CUSTOMER → HubSpot
   * `customer`): the audit trail records what the system of record held and received.
   */
  storedValues(kind: 'account' | 'quote', values: Record<string, unknown>): Record<string, unknown>;
  /** Links two records (idempotent). */
  associate(from: CrmKind, fromId: string, to: CrmKind, toId: string, opts?: CrmCallOptions): Promise<void>;

  // ---- the sync engine (issue 11) ----
  /** Quotes that became these Odoo orders (the quote's odooOrderId). */
  quotesByOdooOrderId(orderIds: readonly number[], opts?: CrmCallOptions): Promise<CrmQuote[]>;
  /** The copies held on each record (every requested id that exists is a key). */
  readCopies(object: CrmCopyObject, ids: readonly string[], opts?: CrmCallOptions): Promise<Map<string, CopyValues>>;
  /** Overwrites these copies on one record (others are left as they are). */
  writeCopies(object: CrmCopyObject, id: string, values: CopyValues, opts?: CrmCallOptions): Promise<void>;
  /** The notes on a record's timeline. */
  notesOn(object: CrmCopyObject, id: string, opts?: CrmCallOptions): Promise<CrmTimelineNote[]>;
  /** Adds a note to a record's timeline, linked in the same call (never left unlinked). Not idempotent: callers check notesOn first when retrying. */
  addNote(object: CrmCopyObject, id: string, note: { body: string; at: Date }, opts?: CrmCallOptions): Promise<{ id: string }>;

  /** What the master-data flows (customer master sync, catalog push) ask of the CRM. */
  readonly masterData: CrmMasterData;
}

// ---- master data (customer master sync R5, catalog push R4) -------------------------
// The company and product records the sync flows read and write, in canonical terms.
// Kept apart from CrmAccount: the sync needs fields no GraphQL read shows (country, the
// CRM's copy of the tax id) and must read its cross-reference consistently.

/** A CRM company as the customer-master sync sees it. */
export interface CrmCompany {
  id: string;
  name: string | null;
  domain: string | null;
  website: string | null;
  phone: string | null;
  /** ISO 3166 alpha-2 code or the CRM's free text; picks the Odoo company (business unit). */
  country: string | null;
  /** The CRM's read-only copy of the Odoo-owned tax id (VAT). */
  taxId: string | null;
  lifecycleStage: LifecycleStage | null;
  /** The cross-reference (§4): the Odoo res.partner id the CRM record names. */
  odooPartnerId: number | null;
  updatedAt: string | null;
}

/** The company fields the sync writes: only copies of fields the other system owns, plus the cross-reference. */
export interface CrmCompanyWrite {
  name?: string;
  website?: string;
  phone?: string;
  country?: string;
  taxId?: string;
}

/** One Odoo product as the CRM's catalog holds it (every field a copy of Odoo's). */
export interface CrmCatalogProduct {
  /** The unique reference the upsert matches on: Odoo's product.product id. */
  odooProductId: number;
  sku: string | null;
  name: string;
  /** Price per the pricelist the CRM sells with. */
  listPrice: number;
  uom: string | null;
  customerLeadTimeDays: number | null;
}

/** A page position in a changed-since scan: records changed after `since`, ties broken by id. */
export interface CrmChangeCursor {
  since: Date;
  afterId?: string;
}

export interface CrmMasterData {
  /** Companies by id; unknown ids are left out. */
  companies(ids: readonly string[], opts?: CrmCallOptions): Promise<CrmCompany[]>;
  /**
   * The company whose cross-reference names this partner, read consistently (by the
   * unique property, not through search, which lags behind writes).
   */
  companyByOdooPartnerId(partnerId: number, opts?: CrmCallOptions): Promise<CrmCompany | null>;
  /**
   * Creates the company that names this partner, or updates the one that already does
   * (upsert on the unique cross-reference): a retry never makes a second company.
   */
  upsertCompanyForPartner(partnerId: number, fields: CrmCompanyWrite, opts?: CrmCallOptions): Promise<{ id: string; created: boolean }>;
  /** Sets the cross-reference (and copies) on an existing company. */
  linkCompany(id: string, partnerId: number, fields?: CrmCompanyWrite, opts?: CrmCallOptions): Promise<void>;
  /**
   * Companies at the customer lifecycle stage changed after the cursor, oldest change
   * first: only id and version, so one malformed company cannot stop the stream.
   */
  customersChangedSince(cursor: CrmChangeCursor, limit: number, opts?: CrmCallOptions): Promise<Array<{ id: string; updatedAt: string }>>;
  /** Approved quotes changed after the cursor, oldest change first: a company's first one makes it a customer. */
  approvedQuotesChangedSince(cursor: CrmChangeCursor, limit: number, opts?: CrmCallOptions): Promise<Array<{ id: string; updatedAt: string }>>;
  /** Upserts products by their Odoo reference, at most CRM_BATCH_LIMIT per call; `created` per product. */
  upsertProducts(products: readonly CrmCatalogProduct[], opts?: CrmCallOptions): Promise<Array<{ id: string; odooProductId: number; created: boolean }>>;
  /** Products by their Odoo reference (consistent read); unknown references are left out. */
  productsByOdooId(odooProductIds: readonly number[], opts?: CrmCallOptions): Promise<Array<CrmCatalogProduct & { id: string }>>;
}

/** Inputs one CRM batch call takes at most (HubSpot: 100). */
export const CRM_BATCH_LIMIT = 100;
