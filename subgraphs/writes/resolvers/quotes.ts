// Quotes are CRM-owned: created and changed in the CRM only. Products are
// checked against Odoo first, so a quote never names a product the ERP cannot sell.
import { createHash } from 'node:crypto';
import { appError, isAppError } from '../../../policy/errors.ts';
import { crmIdOf, decodeId, encodeId } from '../../../core/ids.ts';
import { limitedToOwnRecords } from '../../../policy/permissions.ts';
import { searchRows } from '../../../connectors/odoo/records.ts';
import type { WritesContext } from '../context.ts';
import { accountTwins, actorOf, assertOwnedBy, odooSession, readCrm, keyScope } from '../systems.ts';
import { idempotencyKeySchema, parseInput, quoteCreateSchema, quoteUpdateSchema } from '../validation.ts';
import type { ProgressRecorder } from '../../../store/index.ts';
import type { CrmKind, CrmQuote } from '../../../connectors/crm/port.ts';
import { isApprovedQuote } from '../../../policy/vocabulary.ts';
import type { MutationCreateQuoteArgs, MutationUpdateQuoteArgs } from '../generated/resolvers-types.ts';

/** The quote number is derived from the idempotency key, so a retried create cannot mint a second number. */
function quoteNumberFor(actor: string, key: string, now: Date): string {
  return `Q-${now.getUTCFullYear()}-W${createHash('sha256').update(`${actor}\u0000${key}`).digest('hex').slice(0, 8).toUpperCase()}`;
}

type LineInput = { sku: string; quantity: number; unitPrice: number; discount: number };

/** Every quoted product must exist in Odoo and be saleable: checked before anything is written. */
async function saleableProducts(ctx: WritesContext, lines: LineInput[], prefix: string) {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const products = await searchRows(odooSession(ctx), 'product.product', [['default_code', 'in', skus]]);
  const bySku = new Map(products.map((p) => [String(p.default_code), p]));
  lines.forEach((l, i) => {
    const p = bySku.get(l.sku);
    if (!p) throw appError('BAD_USER_INPUT', `${prefix}[${i}].sku: no product ${l.sku} in Odoo`, { field: `${prefix}[${i}].sku` });
    if (!p.sale_ok) throw appError('BAD_USER_INPUT', `${prefix}[${i}].sku: ${l.sku} cannot be sold`, { field: `${prefix}[${i}].sku` });
  });
  return bySku;
}

/**
 * Errors after which the CRM certainly did not carry a create out: it refused the request
 * (invalid, conflicting, over a limit, not allowed) or it was never sent. After any other
 * failure (a timeout, a lost connection, a 5xx, an answer that did not parse) or a crash,
 * the record may exist, or may still come to exist.
 */
const NOT_CREATED = new Set(['BAD_USER_INPUT', 'BACKEND_VALIDATION', 'BACKEND_CONFLICT', 'BACKEND_RATE_LIMITED', 'BACKEND_AUTH_FAILED', 'BACKEND_ACCESS_DENIED', 'BACKEND_RECORD_MISSING']);

/** What a create made, for its own audit entry: written as soon as the record is known, so a create whose attempt then failed or died is in the trail too. */
interface CreatedRecord {
  action: 'createQuote' | 'updateQuote';
  object: 'Quote' | 'Opportunity' | 'QuoteLine';
  after: Record<string, unknown>;
  idempotencyKey: string;
}

/**
 * One CRM create, at most once per idempotency key and step. The create is announced
 * (`<step>:sent`, with the time) before it is sent. An attempt that finds it announced
 * but not recorded — an earlier attempt lost the answer or died — looks for the record
 * (`find`) instead of creating it again; if it is not there yet, the create may still
 * land until `createSettleMs` after it was sent, so the caller hears IN_PROGRESS until
 * then. A record with a unique value (`unique`) needs no wait: a second create is
 * refused by the CRM (409), and the record is then found. The record is audited once
 * (`<step>:audited`), by whichever attempt first knows its id.
 */
async function createOnce(ctx: WritesContext, progress: ProgressRecorder, step: string, what: string, record: CreatedRecord, how: { find: () => Promise<string | undefined>; create: () => Promise<string>; unique?: boolean }): Promise<string> {
  const id = await createdOrFound(ctx, progress, step, what, how);
  if (!progress.get(`${step}:audited`)) {
    await ctx.audit.record({
      actor: actorOf(ctx), action: record.action, system: ctx.crm.system, object: record.object, objectId: encodeId(record.object, 'crm', id),
      fields: Object.keys(record.after), before: {}, after: record.after, idempotencyKey: record.idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
    });
    await progress.record(`${step}:audited`, true);
  }
  return id;
}

async function createdOrFound(ctx: WritesContext, progress: ProgressRecorder, step: string, what: string, how: { find: () => Promise<string | undefined>; create: () => Promise<string>; unique?: boolean }): Promise<string> {
  const done = progress.get(step) as string | undefined;
  if (done) return done;
  const sent = progress.get(`${step}:sent`) as { at?: number } | true | null | undefined;
  if (sent) {
    const found = await how.find();
    if (found) {
      await progress.record(step, found);
      return found;
    }
    const settledAt = (typeof sent === 'object' ? sent.at ?? 0 : 0) + ctx.crm.createSettleMs;
    if (!how.unique && Date.now() < settledAt) {
      throw appError('IN_PROGRESS', `${ctx.crm.label} has not said whether the ${what} was created; retry with the same key later`, {
        system: ctx.crm.system, retryAfterMs: settledAt - Date.now(),
      });
    }
  }
  await progress.record(`${step}:sent`, { at: Date.now() });
  let id: string | undefined;
  try {
    id = await how.create();
  } catch (e) {
    if (how.unique && isAppError(e) && e.key === 'BACKEND_CONFLICT') id = await how.find();
    if (!id) {
      if (isAppError(e) && NOT_CREATED.has(e.key)) await progress.record(`${step}:sent`, null);
      throw e;
    }
  }
  await progress.record(step, id);
  return id;
}

/** The line an earlier attempt created: on the quote, of the same content, not yet taken. */
async function lineCreatedBefore(ctx: WritesContext, quoteId: string, line: LineInput, taken: readonly string[]): Promise<string | undefined> {
  const opts = { requestId: ctx.requestId };
  const onQuote = (await ctx.crm.associations('quote', [quoteId], 'quoteLine', opts)).get(quoteId) ?? [];
  const candidates = onQuote.filter((id) => !taken.includes(id));
  if (candidates.length === 0) return undefined;
  const lines = await ctx.crm.read('quoteLine', candidates, opts);
  return lines.find((l) => l.sku === line.sku && l.quantity === line.quantity && l.unitPrice === line.unitPrice && (l.discount ?? 0) === line.discount)?.id;
}

/**
 * Creates the line items on the quote, each once (createOnce): a line is linked to the
 * quote in its create request, so one whose answer was lost is found on the quote.
 * `keep`: lines the quote had before, never taken for new ones.
 */
async function addLines(ctx: WritesContext, quoteId: string, lines: LineInput[], names: ReadonlyMap<string, { id: number } & Record<string, unknown>>, progress: ProgressRecorder, stepPrefix: string, made: Omit<CreatedRecord, 'object' | 'after'>, keep: readonly string[] = []): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, line] of lines.entries()) {
    const after = { quote: encodeId('Quote', 'crm', quoteId), sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice, discount: line.discount };
    ids.push(await createOnce(ctx, progress, `${stepPrefix}${i}`, `quote line ${i + 1}`, { ...made, object: 'QuoteLine', after }, {
      find: () => lineCreatedBefore(ctx, quoteId, line, [...keep, ...ids]),
      create: async () => (await ctx.crm.createQuoteLine({
        quoteId,
        name: String(names.get(line.sku)?.name ?? line.sku),
        sku: line.sku,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        discount: line.discount,
      }, { requestId: ctx.requestId })).id,
    }));
  }
  return ids;
}

/** A contact or deal named by the input, checked to belong to the account before anything is written. */
async function ofAccount(ctx: WritesContext, kind: 'deal' | 'contact', id: string | null | undefined, companyId: string, field: string): Promise<string | null> {
  if (!id) return null;
  const sourceId = crmIdOf(id, kind === 'deal' ? 'Opportunity' : 'Contact', field);
  const [record] = await ctx.crm.read(kind, [sourceId], { requestId: ctx.requestId });
  if (!record) throw appError('NOT_FOUND', `${field}: no such ${kind}`, { field });
  const accounts = (await ctx.crm.associations(kind, [sourceId], 'account', { requestId: ctx.requestId })).get(sourceId) ?? [];
  if (!accounts.includes(companyId)) throw appError('BAD_USER_INPUT', `${field}: the ${kind} belongs to another account`, { field });
  return sourceId;
}

export async function createQuote(_: unknown, args: MutationCreateQuoteArgs, ctx: WritesContext) {
  const input = parseInput(quoteCreateSchema, args.input, 'input');
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const opts = { requestId: ctx.requestId };
  const { result, replayed } = await ctx.idempotency.run(
    { key: idempotencyKey, scope: keyScope(ctx, 'createQuote'), actor: ctx.identity.sub, fingerprint: input },
    async (progress) => {
      const { company } = await accountTwins(ctx, input.account, 'input.account');
      if (!company) throw appError('BAD_USER_INPUT', 'The account has no CRM record', { field: 'input.account' });
      assertOwnedBy(ctx, company.ownerId, 'account', limitedToOwnRecords(ctx.identity, 'createQuote'));
      const bySku = await saleableProducts(ctx, input.lines, 'input.lines');
      const givenDeal = await ofAccount(ctx, 'deal', input.deal, company.id, 'input.deal');
      const contactId = await ofAccount(ctx, 'contact', input.contact, company.id, 'input.contact');
      // The CRM needs a template to make the quote approvable; without one, nothing is written.
      const template = (progress.get('template') as string | undefined) ?? (await ctx.crm.defaultQuoteTemplate(opts));
      if (!template) {
        throw appError('CONFIG_INVALID', `${ctx.crm.label} has no active quote template: create one in the CRM or configure the connector's template id`, { system: ctx.crm.system });
      }
      await progress.record('template', template);
      const ownerId = ctx.identity.crmOwnerId ?? company.ownerId;

      // Each step is recorded once done, so a retry after a failure part-way (an association
      // refused, a timeout) does only what is missing: never a second deal, quote or line.
      const step = async (name: string, run: () => Promise<unknown>) => {
        if (progress.get(name)) return;
        await run();
        await progress.record(name, true);
      };

      // The quote first: its create is announced and its number unique, so an attempt that
      // lost the answer finds it by number. The deal is then created linked to the quote,
      // so an attempt that lost that answer finds the deal on the quote.
      // Recorded: a retry in the new year must look for (and keep) the number it sent.
      const number = (progress.get('number') as string | undefined) ?? quoteNumberFor(ctx.identity.sub, idempotencyKey, ctx.now());
      await progress.record('number', number);
      const made = { action: 'createQuote', idempotencyKey } as const;
      const quoteId = await createOnce(ctx, progress, 'quote', `quote ${number}`, { ...made, object: 'Quote', after: { number, title: input.title, status: 'DRAFT' } }, {
        unique: true,
        find: async () => (await ctx.crm.quotesByNumber([number], opts))[0]?.id,
        create: async () => (await ctx.crm.createQuote({
          title: input.title,
          status: 'DRAFT',
          currency: input.currency,
          validUntil: input.validUntil,
          number,
          requestedDeliveryDate: input.requestedDeliveryDate,
          incoterm: input.incoterm,
          ownerId,
        }, opts)).id,
      });

      let dealId = givenDeal;
      if (!dealId) {
        const amount = Math.round(input.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice * (1 - l.discount / 100), 0) * 100) / 100;
        const linked = progress.get('deal:sent') !== undefined || !progress.get('deal');
        dealId = await createOnce(ctx, progress, 'deal', `deal of quote ${number}`, { ...made, object: 'Opportunity', after: { quote: encodeId('Quote', 'crm', quoteId), amount, currency: input.currency } }, {
          find: async () => ((await ctx.crm.associations('quote', [quoteId], 'deal', opts)).get(quoteId) ?? [])[0],
          create: async () => (await ctx.crm.createDeal({ name: `${company.name ?? 'Quote'}: ${input.title}`, amount, currency: input.currency, closeDate: input.validUntil, ownerId, quoteId }, opts)).id,
        });
        // A deal made (or found) here is linked to the quote by its create. One an attempt
        // of an earlier release made (recorded without an announcement) was not: the step below links it.
        if (linked) await progress.record('quote→deal', true);
        await step('deal→account', () => ctx.crm.associate('deal', dealId!, 'account', company.id, opts));
        if (contactId) await step('deal→contact', () => ctx.crm.associate('deal', dealId!, 'contact', contactId, opts));
      }

      const links: Array<[CrmKind, string | null]> = [['account', company.id], ['deal', dealId], ['quoteTemplate', template], ['contact', contactId]];
      // Independent of each other: made side by side, within hubspot.fetch's 15 s.
      // Every one settles before the attempt ends, so each that succeeded is recorded even when another failed.
      const linked = await Promise.allSettled(links.map(([to, toId]) => (toId ? step(`quote→${to}`, () => ctx.crm.associate('quote', quoteId!, to, toId, opts)) : undefined)));
      const failed = linked.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await addLines(ctx, quoteId, input.lines, bySku, progress, 'line:', made);
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'createQuote', system: ctx.crm.system, object: 'Quote', objectId: encodeId('Quote', 'crm', quoteId),
        fields: ['number', 'title', 'lines', 'deal', 'template', ...(contactId ? ['contact'] : [])], before: {},
        after: { number, title: input.title, lines: input.lines.length, deal: dealId, dealCreated: !givenDeal, template, ...(contactId ? { contact: contactId } : {}) },
        idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: encodeId('Quote', 'crm', quoteId), dealId: encodeId('Opportunity', 'crm', dealId) };
    },
  );
  return { quote: { id: result.quoteId }, deal: (result as { dealId?: string }).dealId ?? null, replayed };
}

/**
 * What a quote lacks to be submitted for approval or approved: the CRM refuses both
 * without a template, a deal and lines (§7). Each gap is named by the field it is about.
 */
export async function approvalGaps(ctx: WritesContext, quoteId: string): Promise<Array<{ field: string; message: string }>> {
  const opts = { requestId: ctx.requestId };
  const [templates, deals, lines] = await Promise.all([
    ctx.crm.associations('quote', [quoteId], 'quoteTemplate', opts),
    ctx.crm.associations('quote', [quoteId], 'deal', opts),
    ctx.crm.associations('quote', [quoteId], 'quoteLine', opts),
  ]);
  const gaps: Array<{ field: string; message: string }> = [];
  if (!templates.get(quoteId)?.length) gaps.push({ field: 'quote.template', message: 'the quote has no quote template' });
  if (!deals.get(quoteId)?.length) gaps.push({ field: 'quote.deal', message: 'the quote is not on a deal' });
  if (!lines.get(quoteId)?.length) gaps.push({ field: 'quote.lines', message: 'the quote has no lines' });
  return gaps;
}

/** Refuses, naming the first missing field, a quote that cannot be submitted for approval or approved. */
export async function assertApprovable(ctx: WritesContext, quoteId: string, what: string): Promise<void> {
  const gaps = await approvalGaps(ctx, quoteId);
  if (gaps.length === 0) return;
  throw appError('VALIDATION_FAILED', `The quote cannot be ${what}: ${gaps.map((g) => g.message).join('; ')}`, { field: gaps[0]!.field, missing: gaps.map((g) => g.field) });
}

export async function updateQuote(_: unknown, args: MutationUpdateQuoteArgs, ctx: WritesContext) {
  const input = parseInput(quoteUpdateSchema, args.input, 'input');
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const quoteId = decodeId(args.id, 'Quote').sourceId;
  const { result, replayed } = await ctx.idempotency.run(
    { key: idempotencyKey, scope: keyScope(ctx, 'updateQuote'), actor: ctx.identity.sub, fingerprint: { quoteId, input, expected: args.expectedUpdatedAt ?? null } },
    async (progress) => {
      const quote = await readCrm(ctx, 'quote', quoteId);
      if (!quote) throw appError('NOT_FOUND', 'No such quote', { field: 'id' });
      assertOwnedBy(ctx, quote.ownerId, 'quote', limitedToOwnRecords(ctx.identity, 'updateQuote'));
      if (quote.odooOrderId) throw appError('CONFLICT', `The quote became order ${quote.odooOrderRef ?? quote.odooOrderId} and can no longer change`, { field: 'id' });
      if (args.expectedUpdatedAt && quote.updatedAt && new Date(quote.updatedAt).getTime() > new Date(args.expectedUpdatedAt).getTime()) {
        throw appError('CONFLICT', `The quote changed at ${quote.updatedAt}, after ${args.expectedUpdatedAt}`, { field: 'expectedUpdatedAt', system: ctx.crm.system });
      }
      const { lines, ...requested } = input;
      // An approval covers what was approved: changing an approved quote sends it back for approval,
      // so confirmQuote can never turn an edited quote into an order on the strength of the old approval.
      const reapprove = isApprovedQuote(quote.status) && (lines !== undefined || Object.keys(requested).some((k) => k !== 'status'));
      const header: typeof requested = reapprove ? { ...requested, status: requested.status ?? 'DRAFT' } : requested;
      const bySku = lines ? await saleableProducts(ctx, lines, 'input.lines') : null;
      if (header.status === 'PENDING_APPROVAL' && !progress.get('header')) await assertApprovable(ctx, quoteId, 'submitted for approval');
      if (Object.keys(header).length && !progress.get('header')) {
        // A quote sent back for approval loses what its old approval covered.
        await ctx.crm.updateQuote(quoteId, reapprove ? { ...header, approvedDiscountLimit: null } : header, { requestId: ctx.requestId });
        await progress.record('header', true);
      }
      let replaced: { before: number; after: number } | null = null;
      if (lines && bySku) {
        // New lines first, then the old ones archived: a failure in between leaves a quote with too many lines, never none.
        const old = (progress.get('oldLines') as string[] | undefined) ?? (await ctx.crm.associations('quote', [quoteId], 'quoteLine', { requestId: ctx.requestId })).get(quoteId) ?? [];
        await progress.record('oldLines', old);
        const added = await addLines(ctx, quoteId, lines, bySku, progress, 'newLine:', { action: 'updateQuote', idempotencyKey }, old);
        for (const id of old) if (!added.includes(id)) await ctx.crm.archiveQuoteLine(id, { requestId: ctx.requestId });
        replaced = { before: old.length, after: added.length };
      }
      const fields = [...new Set([...Object.keys(input), ...Object.keys(header)])];
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'updateQuote', system: ctx.crm.system, object: 'Quote', objectId: args.id, fields,
        before: { ...ctx.crm.storedValues('quote', Object.fromEntries(Object.keys(header).map((f) => [f, quote[f as keyof typeof header & keyof CrmQuote] ?? null]))), ...(replaced ? { lines: replaced.before } : {}) },
        after: { ...ctx.crm.storedValues('quote', header), ...(replaced ? { lines: replaced.after } : {}) }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: args.id };
    },
  );
  return { quote: { id: result.quoteId }, replayed };
}
