// The HubSpot CRM objects the project uses and the properties it reads, as a
// portal configured for this integration would have them (standard properties plus
// the custom ones marked). All property values travel as strings (§7); `null`
// means unset. The seed writes objects in exactly the wire shape.

export const HUBSPOT_OBJECT_TYPES = ['companies', 'contacts', 'deals', 'quotes', 'line_items', 'products'] as const;
export type HubSpotObjectType = (typeof HUBSPOT_OBJECT_TYPES)[number];

export const HUBSPOT_PROPERTIES: Record<HubSpotObjectType, readonly string[]> = {
  companies: [
    'name', 'domain', 'website', 'industry', 'phone', 'city', 'country',
    'hubspot_owner_id', 'lifecyclestage',
    'segment',            // custom: enumeration (smb, mid_market, enterprise, distributor)
    'odoo_partner_id',    // custom, unique value: the Odoo res.partner id (the cross-reference, §4)
    'createdate', 'hs_lastmodifieddate', 'hs_object_id',
  ],
  contacts: ['firstname', 'lastname', 'email', 'phone', 'jobtitle', 'associatedcompanyid', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  deals: ['dealname', 'dealstage', 'pipeline', 'amount', 'closedate', 'hubspot_owner_id', 'deal_currency_code', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  quotes: [
    'hs_title', 'hs_status', 'hs_expiration_date', 'hs_currency', 'hs_quote_amount', 'hubspot_owner_id',
    'quote_number',              // custom, unique value: the business number (e.g. Q-2026-00042)
    'requested_delivery_date',   // custom: YYYY-MM-DD
    'incoterm',                  // custom: Incoterms 2020 code (EXW, FCA, DAP, DDP, ...)
    'odoo_order_id',             // custom: sale.order id once converted
    'odoo_order_ref',            // custom: sale.order name once converted (e.g. S00042)
    'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id',
  ],
  line_items: ['name', 'quantity', 'price', 'hs_discount_percentage', 'discount', 'hs_sku', 'hs_product_id', 'amount', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  products: ['name', 'hs_sku', 'price', 'description', 'odoo_product_id', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** Properties whose values are unique per object type, usable as `idProperty` in get / batch read / upsert. */
export const HUBSPOT_UNIQUE_PROPERTIES: Partial<Record<HubSpotObjectType, readonly string[]>> = {
  companies: ['odoo_partner_id'],
  contacts: ['email'],
  quotes: ['quote_number'],
  products: ['hs_sku'],
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
} as const;

export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotAssociation {
  fromType: HubSpotObjectType;
  fromId: string;
  toType: HubSpotObjectType;
  toId: string;
  /** The association type id (HUBSPOT_ASSOCIATION_TYPES), category HUBSPOT_DEFINED. */
  typeId: number;
}

export interface HubSpotOwner { id: string; email: string; firstName: string; lastName: string; userId: number; archived: boolean }

/** What the HubSpot sandbox is loaded with. Associations are stored one way; the sandbox answers both directions. */
export interface HubSpotDataset {
  portalId: number;
  /** Private-app tokens the sandbox accepts. */
  tokens: string[];
  objects: Record<HubSpotObjectType, HubSpotObject[]>;
  associations: HubSpotAssociation[];
  owners: HubSpotOwner[];
}
