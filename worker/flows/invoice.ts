// Flow 4, invoice sync: posted customer invoices and their payment state onto the
// deal of the order they bill (invoice status, payment state, invoiced and open
// amounts, overdue flag) and onto the customer's CRM company (open receivable,
// overdue flag, credit hold) — CRM read-only copies, so finance and sales see the
// same numbers. Notes, once each: an invoice posted, an invoice overdue, a credit
// hold set.
//
// An invoice becomes overdue without anyone writing it, so polling write_date
// alone would never see it: the flow also reads a second stream, invoices by due
// date (`account.move.due`), whose position is the due date itself.
import { INVOICE_STATUS, isOnCreditHold, PAYMENT_STATE } from '../../connectors/odoo/canonical.ts';
import type { OdooSession } from '../../connectors/odoo/records.ts';
import type { CopyValues } from '../../connectors/crm/port.ts';
import type { ApplyResult, ChangeHint, DetectResult, Flow, FlowContext } from '../flow.ts';
import { milestoneNote, syncCopies } from './crm-copies.ts';
import { dealOfOrder, readAheadQuotesOfOrders } from './order-status.ts';
import { detectByWriteDate, odooSessions, searchRows } from './odoo-source.ts';

export const INVOICE_FLOW = 'invoice';
/** The pseudo-model of the due-date stream. */
export const DUE_STREAM = 'account.move.due';

const CUSTOMER_INVOICES = [['move_type', 'in', ['out_invoice', 'out_refund']], ['state', '=', 'posted']];
const MOVE_FIELDS = ['name', 'move_type', 'state', 'payment_state', 'partner_id', 'company_id', 'invoice_origin', 'invoice_date_due', 'amount_total', 'amount_residual'] as const;

type Move = Awaited<ReturnType<typeof readMoves>>[number];

function readMoves(s: OdooSession, domain: unknown[]) {
  return searchRows(s, 'account.move', domain, { order: 'id asc' }, MOVE_FIELDS);
}

const today = (ctx: FlowContext) => ctx.now().toISOString().slice(0, 10);
const isOverdue = (m: Move, day: string) => m.move_type === 'out_invoice' && (m.amount_residual ?? 0) > 0 && m.invoice_date_due != null && m.invoice_date_due < day;
const signed = (m: Move, v: number | null | undefined) => (m.move_type === 'out_refund' ? -1 : 1) * (v ?? 0);

export function createInvoiceFlow(): Flow {
  const session = odooSessions();
  return {
    name: INVOICE_FLOW,
    source: 'odoo',
    models: ['account.move', DUE_STREAM],
    team: 'FINANCE',
    async detect(ctx, args, limit): Promise<DetectResult> {
      const s = await session(ctx);
      if (args.model !== DUE_STREAM) return detectByWriteDate(s, args, limit, CUSTOMER_INVOICES, 'account.move');
      // Due-date stream: invoices whose due date has passed, in (due date, id) order, up to yesterday.
      const day = today(ctx);
      const domain: unknown[] = [...CUSTOMER_INVOICES, ['move_type', '=', 'out_invoice'], ['invoice_date_due', '<', day], ['payment_state', 'in', ['not_paid', 'partial']]];
      if (args.after) {
        const d = args.after.version.slice(0, 10);
        if (args.after.id === '') domain.push(['invoice_date_due', '>=', d]);
        else domain.push('|', ['invoice_date_due', '>', d], '&', ['invoice_date_due', '=', d], ['id', '>', Number(args.after.id)]);
      }
      const rows = await searchRows(s, 'account.move', domain, { limit, order: 'invoice_date_due asc, id asc' }, ['invoice_date_due']);
      const changes: ChangeHint[] = rows.filter((r) => r.invoice_date_due).map((r) => ({ model: DUE_STREAM, recordId: String(r.id), version: `${r.invoice_date_due}T00:00:00.000Z` }));
      return { changes, drained: rows.length < limit };
    },
    async prefetch(ctx, changes) {
      const s = await session(ctx);
      const ids = changes.filter((c) => c.model === 'account.move').map((c) => Number(c.recordId)).filter(Number.isSafeInteger);
      const names = [...new Set((ids.length ? await readMoves(s, [['id', 'in', ids]]) : []).flatMap(originsOf))];
      const orders = names.length ? await searchRows(s, 'sale.order', [['name', 'in', names]], {}, ['name']) : [];
      return readAheadQuotesOfOrders(ctx, orders.map((o) => o.id));
    },
    async apply(ctx, change): Promise<ApplyResult> {
      const s = await session(ctx);
      const id = Number(change.recordId);
      if (!Number.isSafeInteger(id)) return { outcome: 'skipped' };
      const [move] = await readMoves(s, [['id', '=', id]]);
      if (!move || (move.move_type !== 'out_invoice' && move.move_type !== 'out_refund')) return { outcome: 'skipped' };
      const effects: string[] = [];
      // Each deal and each customer's rollup is recomputed whole from Odoo: once after a poll, however many invoices hinted at it.
      for (const orderName of originsOf(move)) {
        const run = await ctx.coalesce(`deal-of:${orderName}`, () => applyDeal(ctx, s, orderName));
        if (run.ran) effects.push(...run.value);
      }
      if (move.partner_id) {
        const partnerId = move.partner_id.id;
        const run = await ctx.coalesce(`partner:${partnerId}`, () => applyAccount(ctx, s, partnerId));
        if (run.ran) effects.push(...run.value);
      }
      return { outcome: effects.length ? 'applied' : 'unchanged', effects };
    },
  };
}

/** invoice_origin lists the orders an invoice bills, comma-separated. */
function originsOf(move: Move): string[] {
  return (move.invoice_origin ?? '').split(',').map((o) => o.trim()).filter(Boolean);
}

async function applyDeal(ctx: FlowContext, s: OdooSession, orderName: string): Promise<string[]> {
  const [order] = await searchRows(s, 'sale.order', [['name', '=', orderName]], {}, ['name', 'origin', 'invoice_status']);
  if (!order) return [];
  const dealId = await dealOfOrder(ctx, order);
  if (!dealId) return [];
  const moves = (await readMoves(s, [...CUSTOMER_INVOICES, ['invoice_origin', 'ilike', orderName]])).filter((m) => originsOf(m).includes(orderName));
  const invoices = moves.filter((m) => m.move_type === 'out_invoice');
  const day = today(ctx);
  const desired: CopyValues = {
    invoiceStatus: order.invoice_status ? INVOICE_STATUS[order.invoice_status as keyof typeof INVOICE_STATUS] ?? null : null,
    paymentState: aggregatePaymentState(invoices),
    invoicedAmount: round2(moves.reduce((n, m) => n + signed(m, m.amount_total), 0)),
    openAmount: round2(moves.reduce((n, m) => n + signed(m, m.amount_residual), 0)),
    invoiceOverdue: invoices.some((m) => isOverdue(m, day)),
  };
  const copies = await syncCopies(ctx, 'deal', dealId, desired);
  if (copies.missing) return [];
  const effects = copies.changed.map((f) => `deal ${dealId}: ${f}`);
  for (const m of invoices) {
    const label = m.name ?? `invoice ${m.id}`;
    if ((await milestoneNote(ctx, 'deal', dealId, `invoice:${m.id}:posted`, `Invoice ${label} posted in Odoo for order ${orderName}.`)).created) effects.push(`deal ${dealId}: note invoice:${m.id}:posted`);
    if (isOverdue(m, day) && (await milestoneNote(ctx, 'deal', dealId, `invoice:${m.id}:overdue`, `Invoice ${label} is overdue (due ${m.invoice_date_due}).`)).created) {
      effects.push(`deal ${dealId}: note invoice:${m.id}:overdue`);
    }
  }
  return effects;
}

/** The order's payment state as one value: paid when every invoice is, not paid when none is, else partial. */
function aggregatePaymentState(invoices: Move[]): string | null {
  if (invoices.length === 0) return null;
  const states = new Set(invoices.map((m) => m.payment_state ?? 'not_paid'));
  if (states.size === 1) {
    const only = [...states][0] as keyof typeof PAYMENT_STATE;
    return PAYMENT_STATE[only] ?? null;
  }
  if ([...states].every((st) => st === 'paid' || st === 'in_payment' || st === 'reversed')) return PAYMENT_STATE.in_payment;
  return PAYMENT_STATE.partial;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The company rollups. Receivable and credit are per Odoo company (company-dependent
 * fields): the copy shows the customer's home company (its own company_id, else the
 * integration user's first); a hold in any company is a hold.
 */
async function applyAccount(ctx: FlowContext, s: OdooSession, invoicePartnerId: number): Promise<string[]> {
  const [partner] = await searchRows(s, 'res.partner', [['id', '=', invoicePartnerId]], { context: { active_test: false } }, ['parent_id', 'company_id']);
  if (!partner) return [];
  const commercialId = partner.parent_id?.id ?? partner.id;
  const accounts = await ctx.crm.accountsByOdooPartnerId([String(commercialId)], { requestId: ctx.requestId });
  const account = accounts[0];
  if (!account) return [];
  const perCompany: Array<{ company: number; credit: number; hold: boolean }> = [];
  for (const company of s.companyIds) {
    const [p] = await searchRows({ ...s, companyIds: [company] }, 'res.partner', [['id', '=', commercialId]], { context: { active_test: false } }, ['credit', 'credit_limit', 'company_id']);
    if (p) perCompany.push({ company, credit: p.credit ?? 0, hold: isOnCreditHold(p) });
  }
  const home = partner.company_id?.id ?? s.companyIds[0];
  const receivable = perCompany.find((c) => c.company === home)?.credit ?? perCompany[0]?.credit ?? 0;
  const hold = perCompany.some((c) => c.hold);
  const day = today(ctx);
  const overdue = (await readMoves(s, [...CUSTOMER_INVOICES, ['move_type', '=', 'out_invoice'], ['partner_id', 'child_of', commercialId], ['invoice_date_due', '<', day], ['payment_state', 'in', ['not_paid', 'partial']]])).length > 0;

  const current = (await ctx.crm.readCopies('account', [account.id], { requestId: ctx.requestId })).get(account.id);
  if (!current) return [];
  // The hold's start is kept while it lasts: it names the hold's note, so a replay finds the same one.
  const since = hold ? ((current.creditHoldSince as string | null) ?? day) : null;
  const copies = await syncCopies(ctx, 'account', account.id, { openReceivable: round2(receivable), invoiceOverdue: overdue, creditHold: hold, creditHoldSince: since });
  const effects = copies.changed.map((f) => `company ${account.id}: ${f}`);
  if (hold && since) {
    const key = `partner:${commercialId}:credit-hold:${since}`;
    if ((await milestoneNote(ctx, 'account', account.id, key, `Credit hold set in Odoo on ${since}: the open receivable exceeds the credit limit.`)).created) effects.push(`company ${account.id}: note ${key}`);
  }
  return effects;
}

