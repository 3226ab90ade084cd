// The canonical vocabularies (§4): the enumerations and business states the
// canonical model speaks, defined once. The GraphQL enums, input validation and
// business rules derive from these lists, and every CRM adapter maps its own
// values to and from them (test/vocabulary.test.ts checks the schemas agree).

/** Where an account stands in the customer lifecycle. */
export const LIFECYCLE_STAGES = [
  'SUBSCRIBER', 'LEAD', 'MARKETING_QUALIFIED_LEAD', 'SALES_QUALIFIED_LEAD', 'OPPORTUNITY', 'CUSTOMER', 'EVANGELIST', 'OTHER',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Where a quote stands in its approval. */
export const QUOTE_STATUSES = ['DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

/** Only an approved quote may become an order (R2); any change to it sends it back for approval. */
export const APPROVED_QUOTE_STATUSES: ReadonlySet<QuoteStatus> = new Set<QuoteStatus>(['APPROVED']);

export function isApprovedQuote(status: QuoteStatus | null | undefined): boolean {
  return status != null && APPROVED_QUOTE_STATUSES.has(status);
}

/** The statuses a caller may set on a quote itself: approving is the approver's act in the CRM, not an API write. */
export const QUOTE_STATUS_INPUTS = ['DRAFT', 'PENDING_APPROVAL'] as const satisfies readonly QuoteStatus[];

/** The commercial segments accounts are grouped in. */
export const ACCOUNT_SEGMENTS = ['smb', 'mid_market', 'enterprise', 'distributor'] as const;
export type AccountSegment = (typeof ACCOUNT_SEGMENTS)[number];

/**
 * Where an invoice stands in its payment (Odoo's account.move payment_state). BLOCKED
 * (Odoo 18+) is its own value rather than folded into NOT_PAID: the amount is owed
 * but finance has put it on hold, so a portal must not show it as simply overdue.
 */
export const PAYMENT_STATES = ['NOT_PAID', 'IN_PAYMENT', 'PAID', 'PARTIAL', 'REVERSED', 'BLOCKED', 'INVOICING_LEGACY'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/** Incoterms 2020. */
export const INCOTERMS = ['EXW', 'FCA', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP', 'FAS', 'FOB', 'CFR', 'CIF'] as const;
export type Incoterm = (typeof INCOTERMS)[number];
