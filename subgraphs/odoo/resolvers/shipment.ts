import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { SHIPMENT_STATE } from '../../../connectors/odoo/canonical.ts';
import { enumOf, required } from './shared.ts';
import type { ShipmentLineResolvers, ShipmentResolvers } from '../generated/resolvers-types.ts';

export const Shipment: ShipmentResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.shipments.load(odooIdOf(ref.id, 'Shipment')),
  id: (s) => encodeId('Shipment', 'odoo', s.id),
  number: (s) => required('stock.picking', s, 'name'),
  state: (s) => enumOf('stock.picking', SHIPMENT_STATE, s, 'state'),
  scheduledDate: (s) => s.scheduled_date,
  deadline: (s) => s.date_deadline,
  doneDate: (s) => s.date_done,
  carrier: (s) => s.carrier_id?.name ?? null,
  trackingRef: (s) => s.carrier_tracking_ref,
  order: (s, _, ctx) => (s.sale_id ? ctx.loaders.orders.load(s.sale_id.id) : null),
  lines: (s, _, ctx) => ctx.loaders.movesByShipment.load(s.id),
  updatedAt: (s) => required('stock.picking', s, 'write_date'),
};

export const ShipmentLine: ShipmentLineResolvers = {
  product: (m, _, ctx) => (m.product_id ? ctx.loaders.products.load(m.product_id.id) : null),
  quantity: (m) => m.product_uom_qty ?? 0,
  doneQuantity: (m) => m.quantity ?? 0,
};
