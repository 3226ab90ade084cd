// The three read operations the side-by-side figures are taken on (issue 13):
// the portal's order status (as the customer), a BI page of 50 orders with
// accounts and lines (as bi_reader), the CRM card's quote check (as sales_rep).
import type { Stack } from '../scripts/stack.ts';
import { ORDER_STATUS_QUERY, QUOTE_CHECK_QUERY } from '../scripts/examples.ts';

export const BI_PAGE_QUERY = `query BiPage {
  orders(first: 50) {
    pageInfo { hasNextPage endCursor }
    edges { node { number state updatedAt amountTotal { amount currency } account { name } lines { product { sku name } quantity } } }
  }
}`;

export interface Operation {
  name: string;
  token: string;
  query: string;
  variables: Record<string, unknown>;
}

export async function readOperations(stack: Stack): Promise<Operation[]> {
  const demo = stack.world.demo;
  return [
    { name: 'order status', token: await stack.token({ sub: 'bench-customer', roles: ['customer'], accountId: demo.accountId }), query: ORDER_STATUS_QUERY, variables: { number: demo.orderNumber } },
    { name: 'BI page (50 orders)', token: await stack.token({ sub: 'bench-bi', roles: ['bi_reader'] }), query: BI_PAGE_QUERY, variables: {} },
    { name: 'quote check', token: await stack.token({ sub: 'bench-rep', roles: ['sales_rep'] }), query: QUOTE_CHECK_QUERY, variables: { number: demo.quoteNumber } },
  ];
}
