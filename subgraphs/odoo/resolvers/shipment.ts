import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { SHIPMENT_STATE } from '../../../connectors/odoo/canonical.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { enumOf, required } from './shared.ts';

export const Shipment = {
  __resolveReference: (ref: { id: string }, ctx: OdooSubgraphContext) => ctx.loaders.shipments.load(odooIdOf(ref.id, 'Shipment')),
  id: (s: OdooRow) => encodeId('Shipment', 'odoo', s.id),
  number: (s: OdooRow) => required('stock.picking', s, 'name'),
  state: (s: OdooRow) => enumOf('stock.picking', SHIPMENT_STATE, s, 'state'),
  scheduledDate: (s: OdooRow) => s.scheduled_date,
  deadline: (s: OdooRow) => s.date_deadline,
  doneDate: (s: OdooRow) => s.date_done,
  carrier: (s: OdooRow) => s.carrier_id?.name ?? null,
  trackingRef: (s: OdooRow) => s.carrier_tracking_ref,
  order: (s: OdooRow, _: unknown, ctx: OdooSubgraphContext) => (s.sale_id ? ctx.loaders.orders.load(s.sale_id.id) : null),
  lines: (s: OdooRow, _: unknown, ctx: OdooSubgraphContext) => ctx.loaders.movesByShipment.load(s.id),
  updatedAt: (s: OdooRow) => required('stock.picking', s, 'write_date'),
};

export const ShipmentLine = {
  product: (m: OdooRow, _: unknown, ctx: OdooSubgraphContext) => (m.product_id ? ctx.loaders.products.load(m.product_id.id) : null),
  quantity: (m: OdooRow) => m.product_uom_qty ?? 0,
  doneQuantity: (m: OdooRow) => m.quantity ?? 0,
};
