// confirmQuote (R2, R3): an approved CRM quote becomes a confirmed Odoo sales order.
//  1. validate everything first — cross-reference, credit, products, prices and
//     discounts, lead time, payment terms, incoterm; every failed check is a
//     field-specific issue and an exception routed to its owning team, and
//     nothing is written anywhere;
//  2. create the sale.order (quote number as client_order_ref and origin) and
//     confirm it with action_confirm — exactly once per quote: a durable
//     per-quote unit of work, which first looks for an order carrying the quote
//     number, so a crash between create and write-back never yields a second order,
//     and a create that timed out is waited for rather than repeated;
//  3. write the order reference back to the CRM quote.
import { COMPONENTS } from '../../../policy/components.ts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { appError, ERRORS, isAppError, type IssueCode, type TeamOfIssue } from '../../../policy/errors.ts';
import { decodeId, encodeId } from '../../../core/ids.ts';
import { RequestDeadline } from '../../../core/deadline.ts';
import { confirmationDiscountAuthority, limitedToOwnRecords } from '../../../policy/permissions.ts';
import type { OwningTeam } from '../../../policy/teams.ts';
import type { CrmAccount, CrmQuote } from '../../../connectors/crm/port.ts';
import { isApprovedQuote } from '../../../policy/vocabulary.ts';
import { searchRows, type Row } from '../../../connectors/odoo/records.ts';
import { READ_FIELDS } from '../../../connectors/odoo/canonical.ts';
import type { ProgressRecorder } from '../../../store/index.ts';
import type { WritesContext } from '../context.ts';
import { actorOf, addDays, assertOwnedBy, errorSummary, odooOptions, odooSession, readCrm, keyScope } from '../systems.ts';
import { idempotencyKeySchema, parseInput } from '../validation.ts';
import { PartialWrite } from './shared.ts';
import type { MutationConfirmQuoteArgs } from '../generated/resolvers-types.ts';

export interface ValidationIssue {
  field: string;
  code: string;
  message: string;
  owningTeam: OwningTeam;
  /** Figures only the owning team may see; kept in the exception record, never returned to the caller. */
  internalDetail?: string;
}

interface ConfirmResult {
  status: 'CONFIRMED' | 'REJECTED' | 'WRITE_BACK_PENDING';
  quoteId: string;
  orderId: string | null;
  issues: ValidationIssue[];
}

/** A refused confirmation is not "done": the key stays retryable once the quote is fixed. */
class Rejected extends Error {
  constructor(readonly payload: ConfirmResult) {
    super('Quote validation failed');
  }
}

/** Quoted prices may sit this far under the list price (rounding), no further. */
const PRICE_TOLERANCE = 0.005;

interface Line {
  index: number;
  sku: string | null;
  quantity: number;
  price: number;
  discount: number;
}

interface Loaded {
  quote: CrmQuote;
  lines: Line[];
  company: CrmAccount | null;
}

async function loadQuote(ctx: WritesContext, quoteId: string): Promise<Loaded> {
  const quote = await readCrm(ctx, 'quote', quoteId);
  if (!quote) throw appError('NOT_FOUND', 'No such quote', { field: 'quoteId' });
  const [lineLinks, companyLinks] = await Promise.all([
    ctx.crm.associations('quote', [quoteId], 'quoteLine', { requestId: ctx.requestId }),
    ctx.crm.associations('quote', [quoteId], 'account', { requestId: ctx.requestId }),
  ]);
  const lineIds = lineLinks.get(quoteId) ?? [];
  const items = lineIds.length ? await ctx.crm.read('quoteLine', lineIds, { requestId: ctx.requestId }) : [];
  const companyId = companyLinks.get(quoteId)?.[0];
  const company = companyId ? await readCrm(ctx, 'account', companyId) : null;
  const lines = items
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((l, index) => ({ index, sku: l.sku ?? null, quantity: Number(l.quantity ?? 0), price: Number(l.unitPrice ?? 0), discount: Number(l.discount ?? 0) }));
  return { quote, lines, company };
}

/** What the checks need of a quoted product; archived ones too, so they are reported as such. */
const PRODUCT_FIELDS = ['default_code', 'active', 'sale_ok', 'company_id', 'list_price', 'sale_delay', 'produce_delay', 'free_qty', 'name'] as const;

interface Plan {
  companyId: number;
  partner: Row<'res.partner'>;
  products: Map<string, Row<'product.product', (typeof PRODUCT_FIELDS)[number]>>;
  pricelistId: number | null;
  paymentTermId: number;
  incotermId: number | null;
  commitmentDate: string | null;
}

const COMPANY_FIELDS = ['name', 'currency_id', 'account_use_credit_limit'] as const;
const PARTNER_FIELDS = [...READ_FIELDS['res.partner'], 'use_partner_credit_limit'] as const;

/**
 * Which credit rule Odoo applies to this customer in this company (account
 * partner_credit_warning / _build_credit_warning_message, docs/reference/odoo-hubspot-facts.md §6):
 * none unless the company's "Sales Credit Limit" (account_use_credit_limit) is on; then
 * the partner's credit_limit — its own, or the company default it falls back to — with
 * 0 meaning "no limit". `rule` is safe for the caller; `detail` is for finance.
 */
export function creditRule(
  company: { name: string | null; account_use_credit_limit: boolean },
  partner: { credit_limit: number | null; use_partner_credit_limit: boolean },
): { limit: number | null; rule: string; detail: string } {
  const where = company.name ?? 'the company';
  if (!company.account_use_credit_limit) {
    return { limit: null, rule: `credit limits are off in ${where}`, detail: `rule: ${where} has Sales Credit Limit (account_use_credit_limit) off, so Odoo ignores partner limits` };
  }
  const limit = Number(partner.credit_limit ?? 0);
  const source = partner.use_partner_credit_limit ? "the customer's own limit" : "the company's default limit";
  if (!(limit > 0)) return { limit: null, rule: `no credit limit set in ${where}`, detail: `rule: Sales Credit Limit on in ${where}, limit 0 (${source}) means no limit` };
  return { limit, rule: `credit limits enforced in ${where}, ${source}`, detail: `rule: Sales Credit Limit (account_use_credit_limit) on in ${where}; ${source} applies` };
}

/** Every check of R2; returns the plan for the order, or the issues. */
async function validate(ctx: WritesContext, { quote, lines, company }: Loaded): Promise<{ plan?: Plan; issues: ValidationIssue[] }> {
  const issues: ValidationIssue[] = [];
  // The code is registered (policy/errors.ts VALIDATION_ISSUES) and the team must be the one registered for it.
  const issue = <C extends IssueCode>(field: string, code: C, message: string, owningTeam: NoInfer<TeamOfIssue<C>>, internalDetail?: string) =>
    issues.push({ field, code, message, owningTeam, ...(internalDetail ? { internalDetail } : {}) });
  const today = ctx.now().toISOString().slice(0, 10);

  if (!isApprovedQuote(quote.status)) issue('status', 'QUOTE_NOT_APPROVED', `The quote is ${quote.status}, not approved`, 'SALES_OPERATIONS');
  if (quote.validUntil && quote.validUntil < today) issue('validUntil', 'QUOTE_EXPIRED', `The quote expired on ${quote.validUntil}`, 'SALES_OPERATIONS');
  if (lines.length === 0) issue('lines', 'QUOTE_EMPTY', 'The quote has no lines', 'SALES_OPERATIONS');
  // Only an approved, valid quote is checked further: the credit, price and stock checks
  // must not become an oracle a caller can probe with drafts.
  if (issues.length) return { issues };

  // The cross-reference lives in the systems themselves (§4); anything off is ERP admin's.
  if (!company) {
    issue('account', 'ACCOUNT_MISSING', 'The quote is not associated with a company', 'SALES_OPERATIONS');
    return { issues };
  }
  const partnerId = company.odooPartnerId;
  if (partnerId == null) {
    issue('account', 'CROSS_REFERENCE_MISSING', `${ctx.crm.label} company ${company.id} names no Odoo partner`, 'ERP_ADMIN');
    return { issues };
  }
  const currency = String(quote.currency ?? 'EUR');
  const companies = await searchRows(odooSession(ctx), 'res.company', [['id', 'in', ctx.companyIds]], {}, COMPANY_FIELDS);
  const [anyPartner] = await searchRows(odooSession(ctx), 'res.partner', [['id', '=', Number(partnerId)]]);
  if (!anyPartner) {
    issue('account', 'CROSS_REFERENCE_BROKEN', `Odoo partner ${partnerId} named by ${ctx.crm.label} company ${company.id} does not exist`, 'ERP_ADMIN');
    return { issues };
  }
  if (String(anyPartner.ref ?? '') !== company.id) {
    issue('account', 'CROSS_REFERENCE_MISMATCH', `Odoo partner ${partnerId} points at ${ctx.crm.label} company ${anyPartner.ref ?? '(none)'}, not ${company.id}`, 'ERP_ADMIN');
    return { issues };
  }
  const odooCompany = companies.find((c) => c.currency_id?.name === currency);
  if (!odooCompany) {
    issue('currency', 'NO_COMPANY_FOR_CURRENCY', `No Odoo company you may write in invoices in ${currency}`, 'ERP_ADMIN');
    return { issues };
  }
  const companyId = odooCompany.id;
  const session = odooSession(ctx, companyId);
  // Company-dependent values (terms, pricelist, credit) as the order's company sees them.
  const [partner] = await searchRows(session, 'res.partner', [['id', '=', Number(partnerId)]], {}, PARTNER_FIELDS);
  if (!partner) {
    issue('account', 'ACCOUNT_NOT_IN_COMPANY', `The customer is not available in ${odooCompany.name}`, 'ERP_ADMIN');
    return { issues };
  }

  const total = lines.reduce((sum, l) => sum + l.quantity * l.price * (1 - l.discount / 100), 0);
  const credit = creditRule(odooCompany, partner);
  const receivable = Number(partner.credit ?? 0);
  // The caller (a sales rep) may not see credit figures (§5): they go to finance's exception record only.
  // Odoo itself only warns (partner_credit_warning); refusing the confirmation is this gateway's R2 policy.
  if (credit.limit !== null && receivable > credit.limit) {
    issue('account.creditHold', 'CREDIT_HOLD', `The customer is on credit hold (${credit.rule}); finance has been notified`, 'FINANCE',
      `Open receivable ${receivable.toFixed(2)} over limit ${credit.limit.toFixed(2)} ${currency}; ${credit.detail}`);
  } else if (credit.limit !== null && receivable + total > credit.limit) {
    issue('amount', 'CREDIT_LIMIT_EXCEEDED', `The quote would take the customer over its credit limit (${credit.rule}); finance has been notified`, 'FINANCE',
      `Quote total ${total.toFixed(2)} plus open receivable ${receivable.toFixed(2)} exceeds the credit limit ${credit.limit.toFixed(2)} ${currency}; ${credit.detail}`);
  }

  const skus = [...new Set(lines.map((l) => l.sku).filter((s): s is string => !!s))];
  // active_test off: an archived product is reported as inactive, not as unknown.
  const found = skus.length ? await searchRows(session, 'product.product', [['default_code', 'in', skus]], { context: { active_test: false } }, PRODUCT_FIELDS) : [];
  const products = new Map(found.map((p) => [String(p.default_code), p]));

  const pricelistId = partner.property_product_pricelist?.id ?? null;
  const [pricelist] = pricelistId ? await searchRows(session, 'product.pricelist', [['id', '=', pricelistId]], {}, ['x_max_discount']) : [];
  const pricelistMax = pricelist ? Number(pricelist.x_max_discount ?? 0) : 0;
  const authority = confirmationDiscountAuthority(ctx.identity, { approved: isApprovedQuote(quote.status), approvedDiscountLimit: quote.approvedDiscountLimit });

  let leadDays = 0;
  for (const line of lines) {
    const at = `lines[${line.index}]`;
    const product = line.sku ? products.get(line.sku) : undefined;
    if (!product) {
      issue(`${at}.sku`, 'PRODUCT_UNKNOWN', `No product ${line.sku ?? '(none)'} in Odoo`, 'SALES_OPERATIONS');
      continue;
    }
    if (product.active === false) issue(`${at}.sku`, 'PRODUCT_INACTIVE', `${line.sku} is archived in Odoo`, 'SALES_OPERATIONS');
    else if (product.sale_ok === false) issue(`${at}.sku`, 'PRODUCT_NOT_SALEABLE', `${line.sku} cannot be sold`, 'SALES_OPERATIONS');
    const productCompany = product.company_id?.id ?? null;
    if (productCompany && productCompany !== companyId) issue(`${at}.sku`, 'PRODUCT_WRONG_COMPANY', `${line.sku} is not sold by ${odooCompany.name}`, 'SALES_OPERATIONS');
    if (line.quantity <= 0) issue(`${at}.quantity`, 'QUANTITY_INVALID', 'Quantity must be greater than 0', 'SALES_OPERATIONS');
    const listPrice = Number(product.list_price ?? 0);
    if (line.price < listPrice * (1 - PRICE_TOLERANCE)) {
      issue(`${at}.unitPrice`, 'PRICE_BELOW_LIST', `Unit price ${line.price} is below the list price ${listPrice} of ${line.sku}; give a discount instead`, 'SALES_OPERATIONS');
    }
    if (line.discount > pricelistMax) issue(`${at}.discount`, 'DISCOUNT_OVER_PRICELIST', `Discount ${line.discount}% exceeds the pricelist's maximum of ${pricelistMax}%`, 'SALES_OPERATIONS');
    else if (line.discount > authority) issue(`${at}.discount`, 'DISCOUNT_OVER_AUTHORITY', `Discount ${line.discount}% exceeds your authority of ${authority}%`, 'SALES_OPERATIONS');
    const free = Number(product.free_qty ?? 0);
    leadDays = Math.max(leadDays, Number(product.sale_delay ?? 0) + (free >= line.quantity ? 0 : Number(product.produce_delay ?? 0)));
  }

  const requested = quote.requestedDeliveryDate ?? null;
  const earliest = addDays(ctx.now(), leadDays);
  if (requested && requested < earliest) {
    issue('requestedDeliveryDate', 'DELIVERY_DATE_TOO_EARLY', `Requested ${requested}; with stock and lead times the earliest is ${earliest}`, 'SALES_OPERATIONS');
  }

  const paymentTerm = partner.property_payment_term_id;
  const paymentTermId = paymentTerm?.id ?? null;
  if (!paymentTerm) {
    issue('account.paymentTerms', 'PAYMENT_TERMS_MISSING', `The customer has no payment terms in ${odooCompany.name}`, 'FINANCE');
  } else {
    const [term] = await searchRows(session, 'account.payment.term', [['id', '=', paymentTermId]], {}, ['active']);
    if (!term) issue('account.paymentTerms', 'PAYMENT_TERMS_INVALID', `Payment terms ${paymentTerm.name} are archived or unknown`, 'FINANCE');
  }

  let incotermId: number | null = null;
  if (quote.incoterm) {
    const [incoterm] = await searchRows(session, 'account.incoterms', [['code', '=', String(quote.incoterm)]], {}, ['code']);
    if (!incoterm) issue('incoterm', 'INCOTERM_INVALID', `Incoterm ${quote.incoterm} is not configured in Odoo`, 'SALES_OPERATIONS');
    else incotermId = incoterm.id;
  }

  if (issues.length) return { issues };
  return { issues, plan: { companyId, partner, products, pricelistId, paymentTermId: paymentTermId!, incotermId, commitmentDate: requested ? `${requested} 12:00:00` : null } };
}

/** What the lookups need of an order made from a quote. */
const ORDER_FIELDS = ['name', 'state', 'x_integration_attempt'] as const;
type QuoteOrder = Row<'sale.order', (typeof ORDER_FIELDS)[number]>;

/**
 * Odoo kills a request still running after `limit_time_real` (120 s by default) and
 * rolls its transaction back: a create not committed by then never will be.
 */
const ODOO_REQUEST_TIME_LIMIT_MS = 120_000;
/** How long an attempt whose create timed out looks for it in Odoo before answering IN_PROGRESS. */
const CREATE_OUTCOME_WAIT_MS = 30_000;
const CREATE_OUTCOME_POLL_MS = 250;
/** Progress steps, recorded *before* the Odoo call they announce: a resumed attempt knows what may have happened. */
const CREATE_INTENT = 'odoo.create';
const CONFIRM_INTENT = 'odoo.action_confirm';
/** The audit entries of the two Odoo effects, told apart by their fields. */
const CREATE_FIELDS = ['number', 'quote', 'lines'];
const CONFIRM_FIELDS = ['state'];

/**
 * The live orders made from a quote: they carry the quote number as customer reference
 * *and* origin, for the quote's customer. (client_order_ref alone is a free-text PO
 * field a user may have typed anything into.) Oldest first.
 */
async function ordersOfQuote(ctx: WritesContext, companyId: number | undefined, number: string, partnerId?: number): Promise<QuoteOrder[]> {
  return searchRows(odooSession(ctx, companyId), 'sale.order', [
    ['client_order_ref', '=', number], ['origin', '=', number], ['state', '!=', 'cancel'],
    ...(partnerId ? [['partner_id', '=', partnerId]] : []),
  ], { limit: 20, order: 'id asc' }, ORDER_FIELDS);
}

/**
 * A quote has one order. Any other live order of it is a duplicate — typically a
 * create that timed out on the client and committed late in Odoo. A draft is
 * cancelled; a confirmed one is left to a person (it may have reserved stock).
 * Either way ERP admin gets an exception and the trail an entry.
 */
async function reconcileDuplicates(ctx: WritesContext, keep: { id: number; name: string }, orders: QuoteOrder[], number: string, idempotencyKey: string): Promise<void> {
  for (const extra of orders) {
    if (extra.id === keep.id) continue;
    const objectId = encodeId('Order', 'odoo', extra.id);
    const draft = extra.state === 'draft' || extra.state === 'sent';
    if (draft) {
      await ctx.odoo.callMethod('sale.order', 'action_cancel', [extra.id], { context: { disable_cancel_warning: true } }, odooOptions(ctx));
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'confirmQuote', system: 'odoo', object: 'Order', objectId, fields: ['state'],
        before: { state: extra.state }, after: { state: 'cancel' }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
    }
    await ctx.exceptions.record({
      team: 'ERP_ADMIN', code: ERRORS.CROSS_REFERENCE_CONFLICT.code, object: 'Order', objectId, field: 'quote', requestId: ctx.requestId,
      message: `Order ${extra.name} is a second order of quote ${number} (the quote's order is ${keep.name}); ${draft ? 'it was cancelled' : 'it is confirmed and needs a person to cancel or merge it'}`,
      detail: extra.x_integration_attempt ? `created by integration attempt ${extra.x_integration_attempt}` : null,
    });
  }
}

/** Whether the trail already shows this effect on the order (from any attempt). */
async function audited(ctx: WritesContext, orderId: number, fields: readonly string[]): Promise<boolean> {
  const { entries } = await ctx.audit.query({ objectId: encodeId('Order', 'odoo', orderId), action: 'confirmQuote' }, { first: 100 });
  return entries.some((e) => e.system === 'odoo' && e.outcome === 'applied' && e.fields.join() === fields.join());
}

/**
 * Polls Odoo for the order a timed-out create of this attempt may still commit; null when the wait is over.
 *
 * On a deadline of its own, not the request's: the create usually "timed out" because the
 * caller hung up (or the gateway died), which aborts the request's deadline, and every
 * lookup on it would fail at once without asking Odoo. The attempt then held the quote for
 * Odoo's whole time limit though the order had committed a second later, and retries
 * answered IN_PROGRESS for 150 s (found by a fault-injection probe). Reads only: what the
 * attempt does with the answer still runs on the request's deadline.
 */
async function awaitLateCreate(ctx: WritesContext, plan: Plan, number: string, attempt: string): Promise<QuoteOrder | null> {
  const giveUpAt = Date.now() + CREATE_OUTCOME_WAIT_MS;
  const lookups = new RequestDeadline(CREATE_OUTCOME_WAIT_MS + CREATE_OUTCOME_POLL_MS);
  const detached: WritesContext = { ...ctx, odoo: ctx.odoo.forRequest(lookups) };
  try {
    for (;;) {
      try {
        const mine = (await ordersOfQuote(detached, plan.companyId, number, plan.partner.id)).find((o) => o.x_integration_attempt === attempt);
        if (mine) return mine;
      } catch (e) {
        if (!(isAppError(e) && e.key === 'BACKEND_UNAVAILABLE')) throw e;
      }
      if (Date.now() >= giveUpAt) return null;
      await sleep(CREATE_OUTCOME_POLL_MS);
    }
  } finally {
    lookups.dispose();
  }
}

/**
 * A resumed key whose earlier attempt announced an Odoo call and never completed it
 * (it died, or the call timed out and committed later): the effect Odoo shows is
 * audited now, unless the trail has it already.
 */
async function auditMissedEffects(ctx: WritesContext, progress: ProgressRecorder, orderId: number, loaded: Loaded, idempotencyKey: string): Promise<void> {
  const create = progress.get(CREATE_INTENT) as { attempt?: string } | undefined;
  const confirm = progress.get(CONFIRM_INTENT) as { order?: number } | undefined;
  if (!create && !confirm) return;
  const [order] = await searchRows(odooSession(ctx), 'sale.order', [['id', '=', orderId]], {}, ORDER_FIELDS);
  if (!order) return;
  const objectId = encodeId('Order', 'odoo', order.id);
  const entry = { actor: actorOf(ctx), action: 'confirmQuote', system: 'odoo', object: 'Order', objectId, idempotencyKey, requestId: ctx.requestId, outcome: 'applied' } as const;
  if (create?.attempt && order.x_integration_attempt === create.attempt && !(await audited(ctx, order.id, CREATE_FIELDS))) {
    await ctx.audit.record({ ...entry, fields: CREATE_FIELDS, before: {}, after: { number: order.name, quote: String(loaded.quote.number), lines: loaded.lines.length } });
  }
  if (confirm?.order === order.id && order.state === 'sale' && !(await audited(ctx, order.id, CONFIRM_FIELDS))) {
    await ctx.audit.record({ ...entry, fields: CONFIRM_FIELDS, before: { state: 'draft' }, after: { state: 'sale' } });
  }
}

/** The confirmed order this quote already became, as Odoo — the system of record — says now (duplicates reconciled). */
async function confirmedOrderOf(ctx: WritesContext, loaded: Loaded, idempotencyKey: string): Promise<{ id: number; name: string } | null> {
  const number = String(loaded.quote.number);
  const orders = await ordersOfQuote(ctx, undefined, number, loaded.company?.odooPartnerId ?? undefined);
  const linked = loaded.quote.odooOrderId;
  let confirmed: { id: number; name: string } | null = null;
  if (linked) {
    const [order] = await searchRows(odooSession(ctx), 'sale.order', [['id', '=', Number(linked)]]);
    if (order?.state === 'sale') confirmed = { id: order.id, name: String(order.name) };
  }
  const first = orders.find((o) => o.state === 'sale');
  if (!confirmed && first) confirmed = { id: first.id, name: String(first.name) };
  if (confirmed) await reconcileDuplicates(ctx, confirmed, orders, number, idempotencyKey);
  return confirmed;
}

/**
 * Creates and confirms the order, one writer per quote at a time (a lease in the
 * store, so concurrent calls with different keys or from other processes wait).
 * Odoo decides what exists: an order a crashed attempt left is reused. Each Odoo
 * call is announced in the key's progress before it is made, and each effect is
 * audited once — by the attempt that made it or, if that one died, by the one that
 * finds its result. A create whose answer never came may still commit: the attempt
 * looks for it (by quote reference and the attempt id it wrote on the order) and,
 * while the outcome is unknown, keeps the quote's lease, so no second order is made.
 */
async function ensureOrder(ctx: WritesContext, loaded: Loaded, plan: Plan, idempotencyKey: string, progress: ProgressRecorder): Promise<{ id: number; name: string }> {
  const number = String(loaded.quote.number);
  return ctx.leases.withLease(`quote-order:${loaded.quote.id}`, async (lease) => {
    const intent = progress.get(CREATE_INTENT) as { attempt: string } | undefined;
    const orders = await ordersOfQuote(ctx, plan.companyId, number, plan.partner.id);
    let order: QuoteOrder | undefined = orders.find((o) => o.state === 'sale') ?? orders.find((o) => intent && o.x_integration_attempt === intent.attempt) ?? orders[0];
    if (!order) {
      const attempt = randomUUID();
      await progress.record(CREATE_INTENT, { attempt });
      try {
        const [id] = await ctx.odoo.create('sale.order', [{
          partner_id: plan.partner.id,
          company_id: plan.companyId,
          client_order_ref: number,
          origin: number,
          x_integration_attempt: attempt,
          ...(plan.pricelistId ? { pricelist_id: plan.pricelistId } : {}),
          payment_term_id: plan.paymentTermId,
          ...(plan.incotermId ? { incoterm: plan.incotermId } : {}),
          ...(plan.commitmentDate ? { commitment_date: plan.commitmentDate } : {}),
          order_line: loaded.lines.map((l) => [0, 0, {
            product_id: plan.products.get(l.sku!)!.id,
            name: String(plan.products.get(l.sku!)!.name),
            product_uom_qty: l.quantity,
            price_unit: l.price,
            discount: l.discount,
          }]),
        }], odooOptions(ctx, plan.companyId));
        [order] = await searchRows(odooSession(ctx, plan.companyId), 'sale.order', [['id', '=', id!]], {}, ORDER_FIELDS);
      } catch (e) {
        // No answer is not "not created": Odoo finishes the transaction whoever is still listening.
        if (!(isAppError(e) && e.key === 'BACKEND_UNAVAILABLE')) throw e;
        order = (await awaitLateCreate(ctx, plan, number, attempt)) ?? undefined;
        if (!order) {
          lease.holdUntil(Date.now() + ODOO_REQUEST_TIME_LIMIT_MS);
          throw appError('IN_PROGRESS', `Odoo has not said whether the order of quote ${number} was created; retry with the same key later`, {
            system: 'odoo', retryAfterMs: ODOO_REQUEST_TIME_LIMIT_MS,
          });
        }
      }
    }
    if (!order) throw appError('INTERNAL', `sale.order of quote ${number} vanished after create`);
    const orderId = encodeId('Order', 'odoo', order.id);
    // Created by the integration (now or by an attempt that died before auditing it): audited once.
    if (order.x_integration_attempt && !(await audited(ctx, order.id, CREATE_FIELDS))) {
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'confirmQuote', system: 'odoo', object: 'Order', objectId: orderId,
        fields: CREATE_FIELDS, before: {}, after: { number: order.name, quote: number, lines: loaded.lines.length }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
    }
    if (order.state === 'draft' || order.state === 'sent') {
      await progress.record(CONFIRM_INTENT, { order: order.id });
      try {
        await ctx.odoo.callMethod('sale.order', 'action_confirm', [order.id], {}, odooOptions(ctx, plan.companyId));
      } catch (e) {
        if (!(isAppError(e) && e.key === 'BACKEND_UNAVAILABLE')) throw e;
        const [now] = await searchRows(odooSession(ctx, plan.companyId), 'sale.order', [['id', '=', order.id]], {}, ORDER_FIELDS);
        if (now?.state !== 'sale') throw e;
      }
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'confirmQuote', system: 'odoo', object: 'Order', objectId: orderId,
        fields: CONFIRM_FIELDS, before: { state: order.state }, after: { state: 'sale' }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
    }
    const kept = { id: order.id, name: String(order.name) };
    await reconcileDuplicates(ctx, kept, orders, number, idempotencyKey);
    return kept;
  });
}

export async function confirmQuote(_: unknown, args: MutationConfirmQuoteArgs, ctx: WritesContext) {
  const quoteCrmId = decodeId(args.quoteId, 'Quote', 'quoteId').sourceId;
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const quoteId = encodeId('Quote', 'crm', quoteCrmId);
  try {
    const { result, replayed } = await ctx.idempotency.run<ConfirmResult>(
      { key: idempotencyKey, scope: keyScope(ctx, 'confirmQuote'), actor: ctx.identity.sub, fingerprint: { quote: quoteCrmId } },
      async (progress) => {
        const loaded = await loadQuote(ctx, quoteCrmId);
        assertOwnedBy(ctx, loaded.quote.ownerId, 'quote', limitedToOwnRecords(ctx.identity, 'confirmQuote'));

        // Converted already (by another key, another process, or an attempt whose write-back failed)?
        // Then only the write-back may be missing; validating again would judge the quote against
        // stock its own order has since reserved.
        let order = await confirmedOrderOf(ctx, loaded, idempotencyKey);
        if (!order) {
          const { plan, issues } = await validate(ctx, loaded);
          if (!plan) {
            for (const i of issues) {
              await ctx.exceptions.record({ team: i.owningTeam, code: i.code, message: i.message, detail: i.internalDetail ?? null, object: 'Quote', objectId: quoteId, field: i.field, requestId: ctx.requestId });
            }
            await ctx.audit.record({
              actor: actorOf(ctx), action: 'confirmQuote', system: COMPONENTS.integration.system, object: 'Quote', objectId: quoteId, fields: issues.map((i) => i.field),
              before: {}, after: {}, idempotencyKey, requestId: ctx.requestId, outcome: 'refused', error: { code: ERRORS.VALIDATION_FAILED.code, message: issues.map((i) => i.code).join(', ') },
            });
            throw new Rejected({ status: 'REJECTED', quoteId, orderId: null, issues: issues.map(({ internalDetail: _hidden, ...shown }) => shown) });
          }
          order = await ensureOrder(ctx, loaded, plan, idempotencyKey, progress);
        }
        await auditMissedEffects(ctx, progress, order.id, loaded, idempotencyKey);

        const confirmed = order;
        // One write-back at a time per quote (the same lease as the order), so concurrent calls write it once.
        return ctx.leases.withLease(`quote-order:${quoteCrmId}`, async (): Promise<ConfirmResult> => {
          const orderId = encodeId('Order', 'odoo', confirmed.id);
          // A concurrent call may have written it back already: write once.
          const current = await readCrm(ctx, 'quote', quoteCrmId);
          if (current && String(current.odooOrderId ?? '') === String(confirmed.id)) return { status: 'CONFIRMED', quoteId, orderId, issues: [] };
          try {
            await ctx.crm.updateQuote(quoteCrmId, { odooOrderId: confirmed.id, odooOrderRef: confirmed.name }, { requestId: ctx.requestId });
          } catch (e) {
            await ctx.audit.record({
              actor: actorOf(ctx), action: 'confirmQuote', system: ctx.crm.system, object: 'Quote', objectId: quoteId, fields: ['order'],
              before: { order: null }, after: { order: null }, idempotencyKey, requestId: ctx.requestId, outcome: 'failed', error: errorSummary(e),
            });
            throw new PartialWrite({ status: 'WRITE_BACK_PENDING', quoteId, orderId, issues: [] } satisfies ConfirmResult);
          }
          await ctx.audit.record({
            actor: actorOf(ctx), action: 'confirmQuote', system: ctx.crm.system, object: 'Quote', objectId: quoteId, fields: ['order'],
            before: { order: null }, after: { order: confirmed.name }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
          });
          return { status: 'CONFIRMED', quoteId, orderId, issues: [] };
        });
      },
    );
    return toPayload(result, replayed);
  } catch (e) {
    if (e instanceof Rejected) return toPayload(e.payload, false);
    if (e instanceof PartialWrite) return toPayload(e.payload as ConfirmResult, false);
    throw e;
  }
}

function toPayload(r: ConfirmResult, replayed: boolean) {
  return { status: r.status, quote: { id: r.quoteId }, order: r.orderId ? { id: r.orderId } : null, issues: r.issues, replayed };
}
