// Reconciliation (R9): are the CRM and Odoo in step for one object type? The
// cross-reference lives in both systems (MISSION §4): a CRM company names its Odoo
// partner (CrmAccount.odooPartnerId) and the partner names the company (ref); a CRM
// quote names the order made from it (CrmQuote.odooOrderId, odooOrderRef) and the
// order names the quote (client_order_ref, written by confirmQuote). Each side is read in full,
// page by page, and the copies one system keeps of the other's fields are compared.
// The result also sets the reconciliation gauges (core/metrics.ts).
import { recordReconciliation } from '../../../core/metrics.ts';
import type { CrmAccount, CrmQuote } from '../../../connectors/crm/port.ts';
import type { RawRecord } from '../../../connectors/odoo/odoo-client.ts';
import type { WritesContext } from '../context.ts';
import type { QueryReconciliationArgs, ReconciledObject } from '../generated/resolvers-types.ts';

const CRM_PAGE = 100;
const ODOO_PAGE = 500;

interface Tally {
  crossReferenced: number;
  differing: number;
  oneSided: number;
  oldest: number | null;
}

/** Odoo's datetimes are UTC without a zone ("2026-11-01 08:00:00"). */
const odooTime = (v: unknown): number | null => (typeof v === 'string' && v ? Date.parse(`${v.replace(' ', 'T')}Z`) : null);
const crmTime = (v: string | null): number | null => (v ? Date.parse(v) : null);
const same = (a: unknown, b: unknown) => String(a ?? '').trim() === String(b ?? '').trim();

function differ(t: Tally, ...times: Array<number | null>): void {
  t.differing += 1;
  const known = times.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!known.length) return;
  // The pair is out of step since its later change: that change was not followed by the other side.
  const since = Math.max(...known);
  t.oldest = t.oldest === null ? since : Math.min(t.oldest, since);
}

async function allCrm<K extends 'account' | 'quote'>(ctx: WritesContext, kind: K): Promise<Array<K extends 'account' ? CrmAccount : CrmQuote>> {
  const out: unknown[] = [];
  for (let afterId: string | undefined; ; ) {
    const page = await ctx.crm.list(kind, { limit: CRM_PAGE, ...(afterId ? { afterId } : {}) } as never, { requestId: ctx.requestId });
    out.push(...page);
    if (page.length < CRM_PAGE) return out as never;
    afterId = page[page.length - 1]!.id;
  }
}

async function allOdoo(ctx: WritesContext, model: string, domain: unknown[], fields: string[]): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for (let offset = 0; ; offset += ODOO_PAGE) {
    const page = await ctx.odoo.searchRead(model, domain as never, fields, { limit: ODOO_PAGE, offset, order: 'id' }, { requestId: ctx.requestId });
    out.push(...page);
    if (page.length < ODOO_PAGE) return out;
  }
}

async function accounts(ctx: WritesContext): Promise<Tally> {
  const [companies, partners] = await Promise.all([
    allCrm(ctx, 'account'),
    allOdoo(ctx, 'res.partner', [['ref', '!=', false], ['is_company', '=', true]], ['ref', 'name', 'write_date']),
  ]);
  const partnerById = new Map(partners.map((p) => [p.id, p]));
  const t: Tally = { crossReferenced: 0, differing: 0, oneSided: 0, oldest: null };
  const pointedAt = new Set<number>();
  for (const c of companies) {
    if (c.odooPartnerId == null) continue;
    pointedAt.add(c.odooPartnerId);
    const p = partnerById.get(c.odooPartnerId);
    if (!p || !same(p.ref, c.id)) {
      t.oneSided += 1;
      continue;
    }
    t.crossReferenced += 1;
    // Account.name is the CRM's; the partner's name is Odoo's copy of it.
    if (!same(p.name, c.name)) differ(t, crmTime(c.updatedAt), odooTime(p.write_date));
  }
  // Partners naming a company that does not name them back.
  for (const p of partners) if (!pointedAt.has(p.id)) t.oneSided += 1;
  return t;
}

async function quoteOrders(ctx: WritesContext): Promise<Tally> {
  const quotes = (await allCrm(ctx, 'quote')).filter((q) => q.odooOrderId != null);
  const ids = [...new Set(quotes.map((q) => q.odooOrderId!))];
  const orders = new Map<number, RawRecord>();
  for (let i = 0; i < ids.length; i += ODOO_PAGE) {
    for (const o of await ctx.odoo.read('sale.order', ids.slice(i, i + ODOO_PAGE), ['name', 'client_order_ref', 'write_date'], { requestId: ctx.requestId })) orders.set(o.id, o);
  }
  const t: Tally = { crossReferenced: 0, differing: 0, oneSided: 0, oldest: null };
  for (const q of quotes) {
    const o = orders.get(q.odooOrderId!);
    if (!o || !q.number || !same(o.client_order_ref, q.number)) {
      t.oneSided += 1;
      continue;
    }
    t.crossReferenced += 1;
    // Order.number is Odoo's; the quote's odooOrderRef is the CRM's copy of it.
    if (!same(q.odooOrderRef, o.name)) differ(t, crmTime(q.updatedAt), odooTime(o.write_date));
  }
  return t;
}

const COMPARED: Record<ReconciledObject, string[]> = {
  ACCOUNT: ['Account.name'],
  QUOTE_ORDER: ['Order.number'],
};

export async function reconciliation(_: unknown, args: QueryReconciliationArgs, ctx: WritesContext) {
  const t = args.object === 'ACCOUNT' ? await accounts(ctx) : await quoteOrders(ctx);
  const checkedAt = new Date();
  recordReconciliation(args.object.toLowerCase(), { crossReferenced: t.crossReferenced, differing: t.differing, oneSided: t.oneSided, oldestDifferenceAgeMs: t.oldest === null ? null : checkedAt.getTime() - t.oldest });
  return {
    object: args.object,
    crossReferenced: t.crossReferenced,
    differing: t.differing,
    oneSided: t.oneSided,
    oldestDifferenceSince: t.oldest === null ? null : new Date(t.oldest).toISOString(),
    comparedFields: COMPARED[args.object],
    checkedAt: checkedAt.toISOString(),
  };
}
