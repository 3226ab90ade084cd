// The Odoo subgraph's resolver map: one file per type, assembled here.
import { DateScalar, DateTimeScalar } from '../../common/scalars.ts';
import { Account } from './account.ts';
import { Invoice } from './invoice.ts';
import { Order, OrderLine } from './order.ts';
import { Product } from './product.ts';
import { ProductionOrder } from './production.ts';
import { Query } from './query.ts';
import { QuoteLine } from './quote-line.ts';
import { Shipment, ShipmentLine } from './shipment.ts';
import type { OdooSubgraphContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const resolvers: Resolvers<OdooSubgraphContext> = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query,
  Account,
  Order,
  OrderLine,
  Shipment,
  ShipmentLine,
  Invoice,
  Product,
  ProductionOrder,
  QuoteLine,
};
