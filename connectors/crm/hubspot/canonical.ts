// HubSpot ↔ canonical mapping tables: which object and property each canonical
// record field is read from and written to (written once, canonical → HubSpot), and
// how HubSpot's enumeration values become the canonical vocabularies
// (policy/vocabulary.ts; each written once, HubSpot → canonical, the way back derived).
import type { CrmKind, CrmRecords } from '../port.ts';
import type { HubSpotObjectType } from './mapping/objects.ts';
import {
  ACCOUNT_SEGMENTS, INCOTERMS,
  type AccountSegment, type Incoterm, type LifecycleStage, type QuoteStatus,
} from '../../../policy/vocabulary.ts';

/** The HubSpot object type behind each canonical kind. */
export const OBJECT_TYPE = {
  account: 'companies', contact: 'contacts', quote: 'quotes', quoteLine: 'line_items', deal: 'deals', quoteTemplate: 'quote_template',
} as const satisfies Record<CrmKind, HubSpotObjectType>;

/** The fields of a port record that live in a HubSpot property (not the id, the errors, or what the adapter composes). */
export type MappedField<K extends CrmKind> = Exclude<keyof CrmRecords[K], 'id' | 'errors' | 'displayNumber'>;

/**
 * The HubSpot property behind each field of each port record: the one canonical →
 * HubSpot table. The adapter reads, filters and writes through it (a patch's keys are
 * record fields), the read property lists are its values, and policy/ownership.ts
 * names CRM write targets by the record fields on its left.
 */
export const PROPERTY = {
  account: {
    name: 'name', domain: 'domain', website: 'website', industry: 'industry', segment: 'segment', phone: 'phone',
    ownerId: 'hubspot_owner_id', lifecycleStage: 'lifecyclestage', odooPartnerId: 'odoo_partner_id', updatedAt: 'hs_lastmodifieddate',
  },
  contact: { firstName: 'firstname', lastName: 'lastname', email: 'email', phone: 'phone', jobTitle: 'jobtitle', updatedAt: 'lastmodifieddate' },
  quote: {
    title: 'hs_title', status: 'hs_status', validUntil: 'hs_expiration_date', currency: 'hs_currency', amount: 'hs_quote_amount',
    ownerId: 'hubspot_owner_id', number: 'quote_number', requestedDeliveryDate: 'requested_delivery_date', incoterm: 'incoterm',
    odooOrderId: 'odoo_order_id', odooOrderRef: 'odoo_order_ref', approvedDiscountLimit: 'approved_discount_limit', updatedAt: 'hs_lastmodifieddate',
  },
  quoteLine: { name: 'name', quantity: 'quantity', unitPrice: 'price', discount: 'hs_discount_percentage', sku: 'hs_sku' },
  deal: { name: 'dealname', stage: 'dealstage', amount: 'amount', closeDate: 'closedate', ownerId: 'hubspot_owner_id', updatedAt: 'hs_lastmodifieddate' },
  quoteTemplate: { name: 'hs_name', active: 'hs_active' },
} as const satisfies { [K in CrmKind]: Record<MappedField<K>, string> };

/** The properties a read of each kind asks for: every one a record field comes from. */
export const READ_PROPERTIES = Object.fromEntries(
  Object.entries(PROPERTY).map(([kind, properties]) => [kind, [...new Set(Object.values(properties))]]),
) as unknown as { readonly [K in CrmKind]: readonly string[] };

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
