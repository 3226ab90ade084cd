// HubSpot ↔ canonical mapping tables: which properties each canonical object is
// read from and written to, and how HubSpot's enumeration values become the
// canonical vocabularies (policy/vocabulary.ts). Each value table is written once,
// HubSpot → canonical; the way back is derived from it.
import type { HubSpotObjectType } from './mapping/objects.ts';
import {
  ACCOUNT_SEGMENTS, INCOTERMS,
  type AccountSegment, type Incoterm, type LifecycleStage, type QuoteStatus,
} from '../../../policy/vocabulary.ts';

export const READ_PROPERTIES = {
  companies: ['name', 'domain', 'website', 'industry', 'segment', 'phone', 'hubspot_owner_id', 'lifecyclestage', 'odoo_partner_id', 'hs_lastmodifieddate'],
  contacts: ['firstname', 'lastname', 'email', 'phone', 'jobtitle', 'lastmodifieddate'],
  quotes: ['hs_title', 'hs_status', 'hs_expiration_date', 'hs_currency', 'hs_quote_amount', 'hubspot_owner_id', 'quote_number', 'requested_delivery_date', 'incoterm', 'odoo_order_id', 'odoo_order_ref', 'hs_lastmodifieddate'],
  line_items: ['name', 'quantity', 'price', 'hs_discount_percentage', 'hs_sku'],
  deals: ['dealname', 'dealstage', 'amount', 'closedate', 'hubspot_owner_id', 'hs_lastmodifieddate'],
  products: ['name', 'hs_sku', 'price', 'odoo_product_id'],
} as const satisfies Record<HubSpotObjectType, readonly string[]>;

/**
 * Inverts a HubSpot → canonical table: each canonical value → the HubSpot values that
 * mean it. The first is the one written: the HubSpot value spelled like the canonical
 * one when there is one (APPROVED, not APPROVAL_NOT_NEEDED), else the first listed.
 */
function invert<C extends string>(table: Readonly<Record<string, C>>): Readonly<Record<C, readonly string[]>> {
  const out = {} as Record<C, string[]>;
  for (const [hubspot, canonical] of Object.entries(table)) {
    const values = (out[canonical] ??= []);
    if (hubspot.toUpperCase() === canonical) values.unshift(hubspot);
    else values.push(hubspot);
  }
  return out;
}

/** HubSpot's default lifecycle stages (`lifecyclestage`). Custom stages (numeric ids) have no canonical meaning. */
export const LIFECYCLE_STAGE = {
  subscriber: 'SUBSCRIBER', lead: 'LEAD', marketingqualifiedlead: 'MARKETING_QUALIFIED_LEAD',
  salesqualifiedlead: 'SALES_QUALIFIED_LEAD', opportunity: 'OPPORTUNITY', customer: 'CUSTOMER',
  evangelist: 'EVANGELIST', other: 'OTHER',
} as const satisfies Record<string, LifecycleStage>;
export const LIFECYCLE_STAGE_TO_HUBSPOT = invert<LifecycleStage>(LIFECYCLE_STAGE);

/**
 * Quote `hs_status` → canonical, in the order HubSpot's quotes API documents the states.
 * "Approval not needed" is an approved quote that skipped the approval step.
 */
export const QUOTE_STATUS = {
  DRAFT: 'DRAFT', APPROVAL_NOT_NEEDED: 'APPROVED', PENDING_APPROVAL: 'PENDING_APPROVAL', APPROVED: 'APPROVED', REJECTED: 'REJECTED',
} as const satisfies Record<string, QuoteStatus>;
export const QUOTE_STATUS_TO_HUBSPOT = invert<QuoteStatus>(QUOTE_STATUS);

/** The portal's custom `segment` enumeration on companies uses the canonical values as they are. */
export const COMPANY_SEGMENT = Object.fromEntries(ACCOUNT_SEGMENTS.map((s) => [s, s])) as { readonly [S in AccountSegment]: S };

/** The custom `incoterm` quote property holds the Incoterms 2020 codes as they are. */
export const INCOTERM_VALUES: readonly Incoterm[] = INCOTERMS;
