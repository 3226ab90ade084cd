import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { PRODUCTION_STATE } from '../../../connectors/odoo/canonical.ts';
import { enumOf, required } from './shared.ts';
import type { ProductionOrderResolvers } from '../generated/resolvers-types.ts';

export const ProductionOrder: ProductionOrderResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.productions.load(odooIdOf(ref.id, 'ProductionOrder')),
  id: (p) => encodeId('ProductionOrder', 'odoo', p.id),
  number: (p) => required('mrp.production', p, 'name'),
  state: (p) => enumOf('mrp.production', PRODUCTION_STATE, p, 'state'),
  product: (p, _, ctx) => (p.product_id ? ctx.loaders.products.load(p.product_id.id) : null),
  quantity: (p) => p.product_qty ?? 0,
  producedQuantity: (p) => p.qty_producing ?? 0,
  startDate: (p) => p.date_start,
  finishDate: (p) => p.date_finished,
  origin: (p) => p.origin,
  updatedAt: (p) => required('mrp.production', p, 'write_date'),
};
