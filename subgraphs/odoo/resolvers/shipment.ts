import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { SHIPMENT_STATE } from '../../../connectors/odoo/canonical.ts';
import { enumOf, quantity, related, required, valueOf } from './shared.ts';
import type { ShipmentLineResolvers, ShipmentResolvers } from '../generated/resolvers-types.ts';

export const Shipment: ShipmentResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.shipments.load(odooIdOf(ref.id, 'Shipment')),
  id: (s) => encodeId('Shipment', 'odoo', s.id),
  number: (s) => required('stock.picking', s, 'name'),
  state: (s) => enumOf('stock.picking', SHIPMENT_STATE, s, 'state'),
  scheduledDate: (s) => valueOf(s, 'scheduled_date'),
  deadline: (s) => valueOf(s, 'date_deadline'),
  doneDate: (s) => valueOf(s, 'date_done'),
  carrier: (s) => valueOf<{ name: string } | null>(s, 'carrier_id')?.name ?? null,
  trackingRef: (s) => valueOf(s, 'carrier_tracking_ref'),
  order: (s, _, ctx) => related(s, 'sale_id', (id) => ctx.loaders.orders.load(id)),
  lines: (s, _, ctx) => ctx.loaders.movesByShipment.load(s.id),
  updatedAt: (s) => required('stock.picking', s, 'write_date'),
};

export const ShipmentLine: ShipmentLineResolvers = {
  product: (m, _, ctx) => related(m, 'product_id', (id) => ctx.loaders.products.load(id)),
  quantity: (m) => quantity(m, 'product_uom_qty'),
  doneQuantity: (m) => quantity(m, 'quantity'),
};
