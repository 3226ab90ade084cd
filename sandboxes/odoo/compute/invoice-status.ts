// invoice_status as sale computes it (sale/models/sale_order_line.py
// _compute_qty_to_invoice / _compute_invoice_status, sale_order.py _compute_invoice_status;
// docs/reference/odoo-hubspot-facts.md §3): what is left to invoice follows the
// product's invoice_policy — ordered quantities ('order') or delivered ones ('delivery').
// The seed and the sandbox ORM both use this.

export type InvoicePolicy = 'order' | 'delivery';
export type InvoiceStatus = 'upselling' | 'invoiced' | 'to invoice' | 'no';

export interface InvoiceLine {
  policy: InvoicePolicy;
  ordered: number;
  delivered: number;
  invoiced: number;
}

/** Odoo compares quantities at the UoM precision (0.01 by default). */
const PRECISION = 0.005;

/** qty_to_invoice of a line of a confirmed order (0 on other orders). */
export function qtyToInvoice(line: InvoiceLine, confirmed: boolean): number {
  if (!confirmed) return 0;
  return (line.policy === 'order' ? line.ordered : line.delivered) - line.invoiced;
}

export function lineInvoiceStatus(line: InvoiceLine, confirmed: boolean): InvoiceStatus {
  if (!confirmed) return 'no';
  if (Math.abs(qtyToInvoice(line, confirmed)) > PRECISION) return 'to invoice';
  if (line.policy === 'order' && line.delivered > line.ordered + PRECISION) return 'upselling';
  if (line.invoiced >= line.ordered - PRECISION) return 'invoiced';
  return 'no';
}

export function orderInvoiceStatus(lines: readonly InvoiceLine[], confirmed: boolean): InvoiceStatus {
  if (!confirmed) return 'no';
  const s = lines.map((l) => lineInvoiceStatus(l, confirmed));
  if (s.includes('to invoice')) return 'to invoice';
  if (s.length && s.every((x) => x === 'invoiced')) return 'invoiced';
  if (s.length && s.every((x) => x === 'invoiced' || x === 'upselling')) return 'upselling';
  return 'no';
}
