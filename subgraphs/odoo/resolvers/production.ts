import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { PRODUCTION_STATE } from '../../../connectors/odoo/canonical.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { enumOf, required } from './shared.ts';

export const ProductionOrder = {
  __resolveReference: (ref: { id: string }, ctx: OdooSubgraphContext) => ctx.loaders.productions.load(odooIdOf(ref.id, 'ProductionOrder')),
  id: (p: OdooRow) => encodeId('ProductionOrder', 'odoo', p.id),
  number: (p: OdooRow) => required('mrp.production', p, 'name'),
  state: (p: OdooRow) => enumOf('mrp.production', PRODUCTION_STATE, p, 'state'),
  product: (p: OdooRow, _: unknown, ctx: OdooSubgraphContext) => (p.product_id ? ctx.loaders.products.load(p.product_id.id) : null),
  quantity: (p: OdooRow) => p.product_qty ?? 0,
  producedQuantity: (p: OdooRow) => p.qty_producing ?? 0,
  startDate: (p: OdooRow) => p.date_start,
  finishDate: (p: OdooRow) => p.date_finished,
  origin: (p: OdooRow) => p.origin,
  updatedAt: (p: OdooRow) => required('mrp.production', p, 'write_date'),
};
