import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { INVOICE_KIND, INVOICE_STATE, PAYMENT_STATE } from '../../../connectors/odoo/canonical.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';
import { accountRefForPartner, amount, enumOf, nullableEnumOf, required } from './shared.ts';

const M = 'account.move';

export const Invoice = {
  __resolveReference: (ref: { id: string }, ctx: OdooSubgraphContext) => ctx.loaders.invoices.load(odooIdOf(ref.id, 'Invoice')),
  id: (i: OdooRow) => encodeId('Invoice', 'odoo', i.id),
  number: (i: OdooRow) => i.name,
  kind: (i: OdooRow) => enumOf(M, INVOICE_KIND, i, 'move_type'),
  state: (i: OdooRow) => enumOf(M, INVOICE_STATE, i, 'state'),
  paymentState: (i: OdooRow) => nullableEnumOf(M, PAYMENT_STATE, i, 'payment_state'),
  amountUntaxed: (i: OdooRow) => amount(i, 'amount_untaxed'),
  amountTotal: (i: OdooRow) => amount(i, 'amount_total'),
  amountResidual: (i: OdooRow) => amount(i, 'amount_residual'),
  invoiceDate: (i: OdooRow) => i.invoice_date,
  dueDate: (i: OdooRow) => i.invoice_date_due,
  order: (i: OdooRow, _: unknown, ctx: OdooSubgraphContext) => (i.invoice_origin ? ctx.loaders.ordersByNumber.load(i.invoice_origin) : null),
  account: (i: OdooRow, _: unknown, ctx: OdooSubgraphContext) => accountRefForPartner(ctx, i.partner_id?.id),
  updatedAt: (i: OdooRow) => required(M, i, 'write_date'),
};
