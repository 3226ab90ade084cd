// HubSpot → canonical mapping tables: which properties each canonical object is
// read from and how HubSpot's enumeration values become canonical enums.
import type { HubSpotObjectType } from './mapping/objects.ts';

export const READ_PROPERTIES = {
  companies: ['name', 'domain', 'website', 'industry', 'segment', 'phone', 'hubspot_owner_id', 'lifecyclestage', 'odoo_partner_id', 'hs_lastmodifieddate'],
  contacts: ['firstname', 'lastname', 'email', 'phone', 'jobtitle', 'lastmodifieddate'],
  quotes: ['hs_title', 'hs_status', 'hs_expiration_date', 'hs_currency', 'hs_quote_amount', 'hubspot_owner_id', 'quote_number', 'requested_delivery_date', 'incoterm', 'odoo_order_id', 'odoo_order_ref', 'hs_lastmodifieddate'],
  line_items: ['name', 'quantity', 'price', 'hs_discount_percentage', 'hs_sku'],
  deals: ['dealname', 'dealstage', 'amount', 'closedate', 'hubspot_owner_id', 'hs_lastmodifieddate'],
  products: ['name', 'hs_sku', 'price', 'odoo_product_id'],
} as const satisfies Record<HubSpotObjectType, readonly string[]>;

export const LIFECYCLE_STAGE = {
  subscriber: 'SUBSCRIBER', lead: 'LEAD', marketingqualifiedlead: 'MARKETING_QUALIFIED_LEAD',
  salesqualifiedlead: 'SALES_QUALIFIED_LEAD', opportunity: 'OPPORTUNITY', customer: 'CUSTOMER',
  evangelist: 'EVANGELIST', other: 'OTHER',
} as const;
export const LIFECYCLE_STAGE_TO_HUBSPOT = Object.fromEntries(Object.entries(LIFECYCLE_STAGE).map(([k, v]) => [v, k])) as Record<string, string>;

/** HubSpot quote `hs_status` → canonical. "Approval not needed" is an approved quote that skipped the approval step. */
export const QUOTE_STATUS = {
  DRAFT: 'DRAFT', PENDING_APPROVAL: 'PENDING_APPROVAL', APPROVAL_NOT_NEEDED: 'APPROVED', APPROVED: 'APPROVED', REJECTED: 'REJECTED',
} as const;
export const QUOTE_STATUS_TO_HUBSPOT: Record<string, string[]> = {
  DRAFT: ['DRAFT'], PENDING_APPROVAL: ['PENDING_APPROVAL'], APPROVED: ['APPROVED', 'APPROVAL_NOT_NEEDED'], REJECTED: ['REJECTED'],
};
