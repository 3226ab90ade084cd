// The HubSpot portal the sandbox plays: the properties a portal configured for this
// integration has (standard ones plus the custom ones marked), their types and
// options, HubSpot's association type ids and what the sandbox is loaded with. The
// sandbox owns these; production code reads HubSpot through the connector's wire
// contracts (connectors/crm/hubspot/), which this file builds on.
import { HUBSPOT_OBJECT_TYPES, type HubSpotObject, type HubSpotObjectType, type HubSpotOwner } from '../../connectors/crm/hubspot/mapping/objects.ts';
import { COMPANY_SEGMENTS, INCOTERMS, LIFECYCLE_STAGES, QUOTE_STATUSES } from '../../connectors/crm/hubspot/mapping/records.ts';
import { syncPropertiesByObjectType, type SyncProperty } from '../../connectors/crm/hubspot/sync-properties.ts';

// The custom properties an admin of this portal created for the sync engine (docs/sync.md lists them).
const SYNC = syncPropertiesByObjectType();
const syncNames = (props: SyncProperty[]) => props.map((p) => p.name);
const syncTypes = (props: SyncProperty[]) => Object.fromEntries(props.map((p) => [p.name, p.type === 'string' ? 'string' : p.type] as const));
const syncOptions = (props: SyncProperty[]) => Object.fromEntries(props.filter((p) => p.options).map((p) => [p.name, p.options!] as const));

// The wire shapes, so the sandbox and its tests import one module.
export { HUBSPOT_OBJECT_TYPES, type HubSpotObject, type HubSpotObjectType, type HubSpotOwner };

export const HUBSPOT_PROPERTIES: Record<HubSpotObjectType, readonly string[]> = {
  companies: [
    'name', 'domain', 'website', 'industry', 'phone', 'city', 'country',
    'hubspot_owner_id', 'lifecyclestage',
    'segment',            // custom: enumeration (smb, mid_market, enterprise, distributor)
    'odoo_partner_id',    // custom, unique value: the Odoo res.partner id (the cross-reference, §4)
    'odoo_tax_id',        // custom: read-only copy of the partner's VAT (master-data sync)
    'createdate', 'hs_lastmodifieddate', 'hs_object_id',
    ...syncNames(SYNC.companies),
  ],
  contacts: ['firstname', 'lastname', 'email', 'phone', 'jobtitle', 'associatedcompanyid', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  deals: ['dealname', 'dealstage', 'pipeline', 'amount', 'closedate', 'hubspot_owner_id', 'deal_currency_code', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', ...syncNames(SYNC.deals)],
  quotes: [
    'hs_title', 'hs_status', 'hs_expiration_date', 'hs_currency', 'hs_quote_amount', 'hubspot_owner_id',
    'quote_number',              // custom, unique value: the business number (e.g. Q-2026-00042)
    'requested_delivery_date',   // custom: YYYY-MM-DD
    'incoterm',                  // custom: Incoterms 2020 code (EXW, FCA, DAP, DDP, ...)
    'odoo_order_id',             // custom: sale.order id once converted
    'odoo_order_ref',            // custom: sale.order name once converted (e.g. S00042)
    'approved_discount_limit',   // custom: the largest line discount (%) the gateway's approval covers
    'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id',
  ],
  line_items: ['name', 'quantity', 'price', 'hs_discount_percentage', 'discount', 'hs_sku', 'hs_product_id', 'amount', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  products: [
    'name', 'hs_sku', 'price', 'description',
    'odoo_product_id',        // custom, unique value: the product.product id (the catalog push upserts on it)
    'odoo_uom',               // custom: sales unit of measure in Odoo
    'odoo_lead_time_days',    // custom: Odoo's customer lead time (sale_delay)
    'createdate', 'hs_lastmodifieddate', 'hs_object_id',
  ],
  quote_template: ['hs_name', 'hs_active', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  notes: ['hs_note_body', 'hs_timestamp', 'hubspot_owner_id', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** Properties whose values are unique per object type, usable as `idProperty` in get / batch read / upsert. */
export const HUBSPOT_UNIQUE_PROPERTIES: Partial<Record<HubSpotObjectType, readonly string[]>> = {
  companies: ['odoo_partner_id'],
  contacts: ['email'],
  quotes: ['quote_number'],
  products: ['hs_sku', 'odoo_product_id'],
};

/** HubSpot's default (HUBSPOT_DEFINED) association type ids, v4. */
export const HUBSPOT_ASSOCIATION_TYPES = {
  contacts_to_companies: 1, companies_to_contacts: 2,
  deals_to_companies: 5, companies_to_deals: 6,
  contacts_to_deals: 4, deals_to_contacts: 3,
  quotes_to_deals: 64, deals_to_quotes: 63,
  quotes_to_line_items: 67, line_items_to_quotes: 68,
  quotes_to_companies: 71, companies_to_quotes: 72,
  deals_to_line_items: 19, line_items_to_deals: 20,
  quotes_to_contacts: 69, contacts_to_quotes: 70,
  quotes_to_quote_template: 286, quote_template_to_quotes: 285,
  notes_to_deals: 214, deals_to_notes: 213,
  notes_to_companies: 190, companies_to_notes: 189,
} as const;

/**
 * What HubSpot requires of a quote (quotes API guide, docs/reference/odoo-hubspot-facts.md §13):
 * `hs_title` and `hs_expiration_date` on create, and — for a quote to be approvable or
 * publishable — a quote template, a deal and line items. The states below are the ones
 * that submit a quote for approval or publish it; DRAFT and REJECTED need nothing.
 */
export const QUOTE_RULES = {
  requiredOnCreate: ['hs_title', 'hs_expiration_date'],
  statusesNeedingAssociations: ['PENDING_APPROVAL', 'APPROVED', 'APPROVAL_NOT_NEEDED'],
  requiredAssociations: ['quote_template', 'deals', 'line_items'],
} as const satisfies {
  requiredOnCreate: readonly string[];
  statusesNeedingAssociations: readonly string[];
  requiredAssociations: readonly HubSpotObjectType[];
};

/** Object types the API only reads (HubSpot makes quote templates in the portal's UI). */
export const HUBSPOT_READ_ONLY_TYPES: ReadonlySet<HubSpotObjectType> = new Set(['quote_template']);

export interface HubSpotAssociation {
  fromType: HubSpotObjectType;
  fromId: string;
  toType: HubSpotObjectType;
  toId: string;
  /** The association type id (HUBSPOT_ASSOCIATION_TYPES), category HUBSPOT_DEFINED. */
  typeId: number;
}

/** What the HubSpot sandbox is loaded with. Associations are stored one way; the sandbox answers both directions. */
export interface HubSpotDataset {
  portalId: number;
  /** Private-app tokens the sandbox accepts. */
  tokens: string[];
  objects: Record<HubSpotObjectType, HubSpotObject[]>;
  associations: HubSpotAssociation[];
  owners: HubSpotOwner[];
}

/** HubSpot's numeric object type ids (accepted wherever HubSpot takes an object type in a path). */
// Quote templates are addressed by name only here: their numeric type id is not in the sources we checked.
export const HUBSPOT_OBJECT_TYPE_IDS: Partial<Record<HubSpotObjectType, string>> = {
  contacts: '0-1', companies: '0-2', deals: '0-3', line_items: '0-8', products: '0-7', quotes: '0-14', notes: '0-46',
};

/** The singular names HubSpot uses in messages and v3 association labels (COMPANY, company_to_contact). */
export const HUBSPOT_SINGULAR: Record<HubSpotObjectType, string> = {
  companies: 'company', contacts: 'contact', deals: 'deal', quotes: 'quote', line_items: 'line_item', products: 'product',
  quote_template: 'quote_template', notes: 'note',
};

/**
 * Properties HubSpot returns when a read names no `properties` (CRM search guide,
 * "properties returned by default"). Reads that do name properties always get
 * HUBSPOT_ALWAYS_RETURNED as well.
 */
export const HUBSPOT_DEFAULT_PROPERTIES: Record<HubSpotObjectType, readonly string[]> = {
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  deals: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
  quotes: ['hs_createdate', 'hs_expiration_date', 'hs_lastmodifieddate', 'hs_object_id', 'hs_status', 'hs_title'],
  line_items: ['amount', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price', 'quantity'],
  products: ['createdate', 'description', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price'],
  quote_template: ['hs_createdate', 'hs_lastmodifieddate', 'hs_name', 'hs_object_id'],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** The create / last-modified timestamp properties per object type (kept in step with createdAt / updatedAt). */
export const HUBSPOT_TIMESTAMP_PROPERTIES: Record<HubSpotObjectType, { created: string; modified: string }> = {
  companies: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  contacts: { created: 'createdate', modified: 'lastmodifieddate' },
  deals: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  quotes: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
  line_items: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  products: { created: 'createdate', modified: 'hs_lastmodifieddate' },
  quote_template: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
  notes: { created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
};

/** HubSpot property `type` of every non-text property in HUBSPOT_PROPERTIES (text is `string`). */
export type HubSpotPropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
export const HUBSPOT_PROPERTY_TYPES: Record<HubSpotObjectType, Readonly<Record<string, HubSpotPropertyType>>> = {
  companies: {
    hubspot_owner_id: 'enumeration', lifecyclestage: 'enumeration', segment: 'enumeration',
    odoo_partner_id: 'number', createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_object_id: 'number',
    ...syncTypes(SYNC.companies),
  },
  contacts: { associatedcompanyid: 'number', createdate: 'datetime', lastmodifieddate: 'datetime', hs_object_id: 'number' },
  deals: {
    dealstage: 'enumeration', pipeline: 'enumeration', amount: 'number', closedate: 'datetime', hubspot_owner_id: 'enumeration',
    deal_currency_code: 'enumeration', createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_object_id: 'number',
    ...syncTypes(SYNC.deals),
  },
  quotes: {
    hs_status: 'enumeration', hs_expiration_date: 'date', hs_quote_amount: 'number', hubspot_owner_id: 'enumeration',
    requested_delivery_date: 'date', incoterm: 'enumeration', odoo_order_id: 'number', approved_discount_limit: 'number',
    hs_createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_object_id: 'number',
  },
  line_items: {
    quantity: 'number', price: 'number', hs_discount_percentage: 'number', discount: 'number', hs_product_id: 'number', amount: 'number',
    createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_object_id: 'number',
  },
  products: { price: 'number', odoo_product_id: 'number', odoo_lead_time_days: 'number', createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_object_id: 'number' },
  quote_template: { hs_active: 'bool', hs_createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_object_id: 'number' },
  notes: { hs_timestamp: 'datetime', hubspot_owner_id: 'enumeration', hs_createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_object_id: 'number' },
};

/**
 * Enumeration options the portal enforces on writes (values, not labels). Portal-specific
 * enumerations (dealstage, pipeline, owner ids, currency codes) are not enforced.
 * lifecyclestage: HubSpot's default stages (portals may add custom stages with numeric ids).
 * hs_status: the quote states of HubSpot's quotes API.
 */
export const HUBSPOT_PROPERTY_OPTIONS: Partial<Record<HubSpotObjectType, Readonly<Record<string, readonly string[]>>>> = {
  companies: { lifecyclestage: LIFECYCLE_STAGES, segment: COMPANY_SEGMENTS, ...syncOptions(SYNC.companies) },
  deals: syncOptions(SYNC.deals),
  quotes: { hs_status: QUOTE_STATUSES, incoterm: INCOTERMS },
};

/** Properties HubSpot computes; writes to them are ignored. */
export const HUBSPOT_READ_ONLY_PROPERTIES: readonly string[] = [
  'hs_object_id', 'createdate', 'hs_createdate', 'hs_lastmodifieddate', 'lastmodifieddate',
];
