// Quotes are CRM-owned: created and changed in the CRM only. Products are
// checked against Odoo first, so a quote never names a product the ERP cannot sell.
import { createHash } from 'node:crypto';
import { appError } from '../../../policy/errors.ts';
import { decodeId, encodeId } from '../../../core/ids.ts';
import { limitedToOwnRecords } from '../../../policy/permissions.ts';
import { searchRows } from '../../../connectors/odoo/records.ts';
import type { WritesContext } from '../context.ts';
import { accountTwins, actorOf, assertOwnedBy, odooSession, readCrm, keyScope } from '../systems.ts';
import { idempotencyKeySchema, parseInput, quoteCreateSchema, quoteUpdateSchema } from '../validation.ts';
import type { ProgressRecorder } from '../../../store/index.ts';
import type { CrmQuote } from '../../../connectors/crm/port.ts';
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

/** Creates the line items and links them to the quote, one recorded step per line so a retry never doubles one. */
async function addLines(ctx: WritesContext, quoteId: string, lines: LineInput[], names: ReadonlyMap<string, { id: number } & Record<string, unknown>>, progress: ProgressRecorder, stepPrefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, line] of lines.entries()) {
    const done = progress.get(`${stepPrefix}${i}`) as string | undefined;
    if (done) {
      ids.push(done);
      continue;
    }
    const item = await ctx.crm.createQuoteLine({
      name: String(names.get(line.sku)?.name ?? line.sku),
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount,
    }, { requestId: ctx.requestId });
    await ctx.crm.associate('quote', quoteId, 'quoteLine', item.id, { requestId: ctx.requestId });
    progress.record(`${stepPrefix}${i}`, item.id);
    ids.push(item.id);
  }
  return ids;
}

export async function createQuote(_: unknown, args: MutationCreateQuoteArgs, ctx: WritesContext) {
  const input = parseInput(quoteCreateSchema, args.input, 'input');
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const { result, replayed } = await ctx.idempotency.run(
    { key: idempotencyKey, scope: keyScope(ctx, 'createQuote'), actor: ctx.identity.sub, fingerprint: input },
    async (progress) => {
      const { company } = await accountTwins(ctx, input.account, 'input.account');
      if (!company) throw appError('BAD_USER_INPUT', 'The account has no CRM record', { field: 'input.account' });
      assertOwnedBy(ctx, company.ownerId, 'account', limitedToOwnRecords(ctx.identity, 'createQuote'));
      const bySku = await saleableProducts(ctx, input.lines, 'input.lines');

      const number = quoteNumberFor(ctx.identity.sub, idempotencyKey, ctx.now());
      let quoteId = progress.get('quote') as string | undefined;
      if (!quoteId) {
        const quote = await ctx.crm.createQuote({
          title: input.title,
          status: 'DRAFT',
          currency: input.currency,
          validUntil: input.validUntil,
          number,
          requestedDeliveryDate: input.requestedDeliveryDate,
          incoterm: input.incoterm,
          ownerId: ctx.identity.crmOwnerId ?? company.ownerId,
        }, { requestId: ctx.requestId });
        quoteId = quote.id;
        progress.record('quote', quoteId);
        await ctx.crm.associate('quote', quoteId, 'account', company.id, { requestId: ctx.requestId });
      }
      await addLines(ctx, quoteId, input.lines, bySku, progress, 'line:');
      ctx.audit.record({
        actor: actorOf(ctx), action: 'createQuote', system: ctx.crm.system, object: 'Quote', objectId: encodeId('Quote', 'crm', quoteId),
        fields: ['number', 'title', 'lines'], before: {}, after: { number, title: input.title, lines: input.lines.length }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: encodeId('Quote', 'crm', quoteId) };
    },
  );
  return { quote: { id: result.quoteId }, replayed };
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
      if (Object.keys(header).length && !progress.get('header')) {
        await ctx.crm.updateQuote(quoteId, header, { requestId: ctx.requestId });
        progress.record('header', true);
      }
      let replaced: { before: number; after: number } | null = null;
      if (lines && bySku) {
        // New lines first, then the old ones archived: a failure in between leaves a quote with too many lines, never none.
        const old = (progress.get('oldLines') as string[] | undefined) ?? (await ctx.crm.associations('quote', [quoteId], 'quoteLine', { requestId: ctx.requestId })).get(quoteId) ?? [];
        progress.record('oldLines', old);
        const added = await addLines(ctx, quoteId, lines, bySku, progress, 'newLine:');
        for (const id of old) if (!added.includes(id)) await ctx.crm.archiveQuoteLine(id, { requestId: ctx.requestId });
        replaced = { before: old.length, after: added.length };
      }
      const fields = [...new Set([...Object.keys(input), ...Object.keys(header)])];
      ctx.audit.record({
        actor: actorOf(ctx), action: 'updateQuote', system: ctx.crm.system, object: 'Quote', objectId: args.id, fields,
        before: { ...ctx.crm.storedValues('quote', Object.fromEntries(Object.keys(header).map((f) => [f, quote[f as keyof typeof header & keyof CrmQuote] ?? null]))), ...(replaced ? { lines: replaced.before } : {}) },
        after: { ...ctx.crm.storedValues('quote', header), ...(replaced ? { lines: replaced.after } : {}) }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: args.id };
    },
  );
  return { quote: { id: result.quoteId }, replayed };
}
