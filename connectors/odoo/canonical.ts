// Odoo → canonical mapping tables: which Odoo fields each canonical object is read
// from, and how Odoo's raw selection values become the canonical enums. Value
// shapes (false → null, many2one pairs, datetimes) are normalised before this, in
// mapping/; this file is only the business mapping, in one place.
// The names here are canonical (mapping/models.ts, Odoo 18's); the client reads them
// under each server version's own names and states (versions.ts), so these lists
// are the one list for every version.
import type { OdooModelName } from './mapping/models.ts';
import type { FieldName } from './mapping/records.ts';
import type { PaymentState } from '../../policy/vocabulary.ts';

export const READ_FIELDS = {
  'sale.order': [
    'name', 'state', 'locked', 'partner_id', 'company_id', 'currency_id', 'client_order_ref', 'date_order',
    'commitment_date', 'expected_date', 'amount_untaxed', 'amount_tax', 'amount_total', 'delivery_status',
    'invoice_status', 'invoice_ids', 'mrp_production_ids', 'write_date',
  ],
  'sale.order.line': [
    'order_id', 'product_id', 'name', 'product_uom_qty', 'qty_delivered', 'qty_invoiced', 'price_unit', 'discount',
    'price_subtotal', 'currency_id', 'customer_lead',
  ],
  'stock.picking': [
    'name', 'state', 'sale_id', 'scheduled_date', 'date_deadline', 'date_done', 'carrier_id', 'carrier_tracking_ref', 'write_date',
  ],
  'stock.move': ['picking_id', 'product_id', 'product_uom_qty', 'quantity'],
  'account.move': [
    'name', 'move_type', 'state', 'payment_state', 'partner_id', 'currency_id', 'invoice_date', 'invoice_date_due',
    'invoice_origin', 'amount_untaxed', 'amount_total', 'amount_residual', 'write_date',
  ],
  'product.product': [
    'name', 'default_code', 'list_price', 'uom_id', 'sale_ok', 'sale_delay', 'produce_delay', 'write_date',
  ],
  'mrp.production': ['name', 'state', 'product_id', 'product_qty', 'qty_producing', 'date_start', 'date_finished', 'origin', 'write_date'],
  'res.partner': [
    'name', 'ref', 'vat', 'parent_id', 'child_ids', 'property_payment_term_id', 'property_product_pricelist',
    'credit_limit', 'credit', 'write_date',
  ],
  'res.company': ['name', 'currency_id'],
  'product.pricelist': ['name', 'currency_id'],
  'stock.warehouse': ['name', 'code', 'company_id'],
} as const satisfies { [M in OdooModelName]?: ReadonlyArray<FieldName<M>> };

export type ReadModel = keyof typeof READ_FIELDS;

/** The partner fields that make up the cross-reference to the CRM (cached as master data). */
export const PARTNER_REF_FIELDS = ['name', 'ref', 'parent_id'] as const satisfies ReadonlyArray<FieldName<'res.partner'>>;

function invert<K extends string, V extends string>(table: Record<K, V>): Record<V, K> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k])) as Record<V, K>;
}

export const ORDER_STATE = { draft: 'DRAFT', sent: 'SENT', sale: 'CONFIRMED', cancel: 'CANCELLED' } as const;
export const ORDER_STATE_TO_ODOO = invert(ORDER_STATE);

export const DELIVERY_STATUS = {
  pending: 'NOT_DELIVERED', started: 'STARTED', partial: 'PARTIALLY_DELIVERED', full: 'FULLY_DELIVERED',
} as const;

export const INVOICE_STATUS = {
  upselling: 'UPSELLING', invoiced: 'INVOICED', 'to invoice': 'TO_INVOICE', no: 'NOTHING_TO_INVOICE',
} as const;

export const SHIPMENT_STATE = {
  draft: 'DRAFT', waiting: 'WAITING', confirmed: 'CONFIRMED', assigned: 'READY', done: 'DONE', cancel: 'CANCELLED',
} as const;
export const SHIPMENT_STATE_TO_ODOO = invert(SHIPMENT_STATE);

export const INVOICE_STATE = { draft: 'DRAFT', posted: 'POSTED', cancel: 'CANCELLED' } as const;
export const INVOICE_STATE_TO_ODOO = invert(INVOICE_STATE);

export const PAYMENT_STATE = {
  not_paid: 'NOT_PAID', in_payment: 'IN_PAYMENT', paid: 'PAID', partial: 'PARTIAL', reversed: 'REVERSED',
  // Odoo 18+: payment put on hold by finance (still owed, not to be chased or paid out).
  blocked: 'BLOCKED',
  invoicing_legacy: 'INVOICING_LEGACY',
} as const satisfies Record<string, PaymentState>;
export const PAYMENT_STATE_TO_ODOO = invert(PAYMENT_STATE);

export const INVOICE_KIND = { out_invoice: 'INVOICE', out_refund: 'CREDIT_NOTE' } as const;

export const PRODUCTION_STATE = {
  draft: 'DRAFT', confirmed: 'CONFIRMED', progress: 'IN_PROGRESS', to_close: 'TO_CLOSE', done: 'DONE', cancel: 'CANCELLED',
} as const;
export const PRODUCTION_STATE_TO_ODOO = invert(PRODUCTION_STATE);

/** Odoo stores and compares datetimes as naive UTC 'YYYY-MM-DD HH:MM:SS'. */
export function toOdooDatetime(instant: Date): string {
  return instant.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Credit hold (§3): the customer's open receivable in a company exceeds a credit
 * limit set there (no limit = no hold). The one rule the Account.creditHold field
 * and the sync engine's CRM copy both apply.
 */
export function isOnCreditHold(partner: { credit_limit?: number | null; credit?: number | null }): boolean {
  const limit = partner.credit_limit ?? 0;
  return limit > 0 && (partner.credit ?? 0) > limit;
}
