// sale.order.delivery_status as sale_stock computes it (Odoo 18/19, and 16.0/17.0
// builds since the 2024 multi-step fix, odoo/odoo#169194; docs/reference/odoo-hubspot-facts.md §2).
// Every picking of the order counts, the pick step of a multi-step route included;
// only cancelled ones are neutral. "partial" needs a done picking AND a delivered
// quantity on some line; a done picking with nothing delivered yet is "started".
// The seed and the sandbox ORM both use this, so seeded and live orders agree.

export type DeliveryStatus = 'pending' | 'started' | 'partial' | 'full' | false;

export function deliveryStatus(pickingStates: readonly unknown[], qtyDelivered: readonly number[]): DeliveryStatus {
  if (!pickingStates.length || pickingStates.every((s) => s === 'cancel')) return false;
  if (pickingStates.every((s) => s === 'done' || s === 'cancel')) return 'full';
  const anyDone = pickingStates.some((s) => s === 'done');
  // Odoo tests `any(l.qty_delivered for l in order.order_line)`: any non-zero quantity, on any line.
  if (anyDone && qtyDelivered.some((q) => q !== 0)) return 'partial';
  if (anyDone) return 'started';
  return 'pending';
}
