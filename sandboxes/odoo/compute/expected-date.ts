// sale.order.expected_date (sale/models/sale_order.py _compute_expected_date, with
// sale_stock's _select_expected_date; docs/reference/odoo-hubspot-facts.md §4):
// each line's date is the order date (confirmed orders) or today (quotations) plus
// that LINE's customer_lead — not the product's sale_delay, which only seeds the
// line's value. Shipping policy 'direct' takes the earliest line, 'one' the latest.
// Not stored in Odoo: a quotation's expected date moves with the clock.
// Which lines count differs by version: 16–18 take every product line, 19 only goods
// (product type 'consu'; services and combos are left out). The caller passes the
// lead times of the lines that count.

const DAY_MS = 86_400_000;

export function expectedDate(opts: {
  state: unknown;
  dateOrder: unknown;
  now: string;
  pickingPolicy: unknown;
  customerLeads: readonly number[];
}): string | false {
  if (opts.state === 'cancel' || !opts.customerLeads.length) return false;
  const base = opts.state === 'sale' && typeof opts.dateOrder === 'string' ? opts.dateOrder : opts.now;
  const start = Date.parse(`${base.replace(' ', 'T')}Z`);
  const dates = opts.customerLeads.map((days) => start + days * DAY_MS);
  const pick = opts.pickingPolicy === 'one' ? Math.max(...dates) : Math.min(...dates);
  return new Date(pick).toISOString().slice(0, 19).replace('T', ' ');
}
