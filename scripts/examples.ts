// The example queries of the README, one per user of §3. The README shows them
// with the demo world's values; test/readme-examples.test.ts runs every GraphQL
// block of the README through the gateway, so they stay true as pasted.

/** Sales portal: "where is my order?" */
export const ORDER_STATUS_QUERY = `query OrderStatus($number: String!) {
  order(number: $number) {
    number
    state
    orderDate
    commitmentDate
    expectedDate
    deliveryStatus
    invoiceStatus
    account { name }
    amountTotal { amount currency }
    lines { product { sku name } quantity deliveredQuantity invoicedQuantity }
    production { number state quantity producedQuantity finishDate }
    shipments { number state scheduledDate doneDate carrier trackingRef }
    invoices { number state paymentState amountResidual { amount currency } dueDate }
  }
}`;

/** CRM UI extension: a quote with live price and availability per line. */
export const QUOTE_CHECK_QUERY = `query QuoteCheck($number: String!) {
  quote(number: $number) {
    number
    status
    account { name creditHold }
    requestedDeliveryDate
    lines {
      sku
      quantity
      unitPrice { amount currency }
      listPrice { amount currency }
      availability
      earliestDeliveryDate
    }
  }
}`;

/** BI tool: incremental paging through orders. */
export const BI_PAGING_QUERY = `query OrdersSince($since: DateTime!, $after: String) {
  orders(first: 50, after: $after, filter: { updatedSince: $since }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id number state updatedAt amountTotal { amount currency } account { id } } }
  }
}`;
