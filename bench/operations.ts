// The operations the benchmark drives (issue 13), each as the caller who does it:
// the portal's order status (customer), a BI page of 50 orders with accounts and lines
// (bi_reader), the CRM card's quote check (sales_rep), an account page mixing both
// systems (finance: CRM fields with Odoo credit, orders and invoices), and confirmQuote
// on a fresh approved quote (the quote's rep; one quote and one idempotency key per call).
import type { World } from '../sandboxes/seed/index.ts';
import type { Role } from '../core/identity.ts';
import { encodeId } from '../core/ids.ts';
import { ORDER_STATUS_QUERY, QUOTE_CHECK_QUERY } from '../scripts/examples.ts';

export const BI_PAGE_QUERY = `query BiPage {
  orders(first: 50) {
    pageInfo { hasNextPage endCursor }
    edges { node { number state updatedAt amountTotal { amount currency } account { name } lines { product { sku name } quantity } } }
  }
}`;

export const ACCOUNT_PAGE_QUERY = `query AccountPage($id: ID!) {
  account(id: $id) {
    name website industry segment lifecycleStage phone owner { name email }
    currency paymentTerms { name } creditLimit { amount currency } openReceivable { amount currency } creditHold
    orders(first: 10) { edges { node { number state orderDate amountTotal { amount currency } deliveryStatus invoiceStatus } } }
    invoices(first: 10) { edges { node { number state paymentState dueDate amountResidual { amount currency } } } }
  }
}`;

export const CONFIRM_QUOTE_MUTATION = `mutation ConfirmQuote($quoteId: ID!, $idempotencyKey: String!) {
  confirmQuote(quoteId: $quoteId, idempotencyKey: $idempotencyKey) {
    status replayed issues { field code }
    order { number state }
    quote { status }
  }
}`;

export interface Operation {
  name: string;
  token: string;
  query: string;
  variables: Record<string, unknown>;
  /** A mutation that needs a fresh quote per call: the bench fills quoteId and idempotencyKey each time. */
  freshQuote?: { hubspotId: string };
}

type SignToken = (claims: { sub: string; roles: Role[]; accountId?: string; crmOwnerId?: string }) => Promise<string>;

/** The three read operations of the first side-by-side figures (bench:gateway-cpu keeps to these). */
export async function readOperations(ctx: { world: World; token: SignToken }): Promise<Operation[]> {
  return (await benchOperations(ctx)).slice(0, 3);
}

export async function benchOperations({ world, token }: { world: World; token: SignToken }): Promise<Operation[]> {
  const demo = world.demo;
  const approved = world.hubspot.objects.quotes.find((q) => q.properties.quote_number === demo.approvedQuote.quoteNumber)!;
  return [
    { name: 'order status', token: await token({ sub: 'bench-customer', roles: ['customer'], accountId: demo.accountId }), query: ORDER_STATUS_QUERY, variables: { number: demo.orderNumber } },
    { name: 'BI page (50 orders)', token: await token({ sub: 'bench-bi', roles: ['bi_reader'] }), query: BI_PAGE_QUERY, variables: {} },
    { name: 'quote check', token: await token({ sub: 'bench-rep', roles: ['sales_rep'] }), query: QUOTE_CHECK_QUERY, variables: { number: demo.quoteNumber } },
    { name: 'account page', token: await token({ sub: 'bench-finance', roles: ['finance'] }), query: ACCOUNT_PAGE_QUERY, variables: { id: demo.accountId } },
    {
      name: 'confirmQuote',
      token: await token({ sub: 'bench-rep-owner', roles: ['sales_rep'], crmOwnerId: approved.properties.hubspot_owner_id ?? undefined }),
      query: CONFIRM_QUOTE_MUTATION, variables: {}, freshQuote: { hubspotId: approved.id },
    },
  ];
}

/** The canonical id of a HubSpot quote (what confirmQuote takes). */
export const quoteId = (hubspotId: string): string => encodeId('Quote', 'crm', hubspotId);
