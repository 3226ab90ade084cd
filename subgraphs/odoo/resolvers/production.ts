import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { PRODUCTION_STATE } from '../../../connectors/odoo/canonical.ts';
import { enumOf, quantity, related, required, valueOf } from './shared.ts';
import type { ProductionOrderResolvers } from '../generated/resolvers-types.ts';

export const ProductionOrder: ProductionOrderResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.productions.load(odooIdOf(ref.id, 'ProductionOrder')),
  id: (p) => encodeId('ProductionOrder', 'odoo', p.id),
  number: (p) => required('mrp.production', p, 'name'),
  state: (p) => enumOf('mrp.production', PRODUCTION_STATE, p, 'state'),
  product: (p, _, ctx) => related(p, 'product_id', (id) => ctx.loaders.products.load(id)),
  quantity: (p) => quantity(p, 'product_qty'),
  producedQuantity: (p) => quantity(p, 'qty_producing'),
  startDate: (p) => valueOf(p, 'date_start'),
  finishDate: (p) => valueOf(p, 'date_finished'),
  origin: (p) => valueOf(p, 'origin'),
  updatedAt: (p) => required('mrp.production', p, 'write_date'),
};
