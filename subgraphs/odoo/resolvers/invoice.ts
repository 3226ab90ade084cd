import { encodeId, odooIdOf } from '../../../core/ids.ts';
import { INVOICE_KIND, INVOICE_STATE, PAYMENT_STATE } from '../../../connectors/odoo/canonical.ts';
import { accountRefForPartner, amount, enumOf, nullableEnumOf, required, valueOf } from './shared.ts';
import type { InvoiceResolvers } from '../generated/resolvers-types.ts';

const M = 'account.move';

export const Invoice: InvoiceResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.invoices.load(odooIdOf(ref.id, 'Invoice')),
  id: (i) => encodeId('Invoice', 'odoo', i.id),
  number: (i) => valueOf(i, 'name'),
  kind: (i) => enumOf(M, INVOICE_KIND, i, 'move_type'),
  state: (i) => enumOf(M, INVOICE_STATE, i, 'state'),
  paymentState: (i) => nullableEnumOf(M, PAYMENT_STATE, i, 'payment_state'),
  amountUntaxed: (i) => amount(i, 'amount_untaxed'),
  amountTotal: (i) => amount(i, 'amount_total'),
  amountResidual: (i) => amount(i, 'amount_residual'),
  invoiceDate: (i) => valueOf(i, 'invoice_date'),
  dueDate: (i) => valueOf(i, 'invoice_date_due'),
  order: (i, _, ctx) => {
    const origin = valueOf<string | null>(i, 'invoice_origin');
    return origin ? ctx.loaders.ordersByNumber.load(origin) : null;
  },
  account: (i, _, ctx) => accountRefForPartner(ctx, i),
  updatedAt: (i) => required(M, i, 'write_date'),
};
