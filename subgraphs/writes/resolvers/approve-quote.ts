// The approval step between a rep's quote and its confirmation (§5 separation of duties):
// a quote whose discounts exceed the rep's authority is approved (or rejected) by someone
// whose authority covers them (policy/permissions.ts WRITE_RULES.maxDiscountPercent). The
// approval is written to the CRM, the system of record for quotes: the status, and the
// largest discount it covers, which confirmQuote then accepts from the rep. A portal that
// uses the CRM's own quote approvals instead needs none of this: the integration reads the
// quote's status as the CRM's approvers set it and confirms within the rep's own authority.
import { appError } from '../../../policy/errors.ts';
import { discountAuthority } from '../../../policy/permissions.ts';
import { crmIdOf } from '../../../core/ids.ts';
import type { WritesContext } from '../context.ts';
import { actorOf, keyScope, readCrm } from '../systems.ts';
import { idempotencyKeySchema, parseInput, quoteRejectionSchema } from '../validation.ts';
import { assertApprovable } from './quotes.ts';
import type { CrmQuote } from '../../../connectors/crm/port.ts';
import type { MutationApproveQuoteArgs, MutationRejectQuoteArgs } from '../generated/resolvers-types.ts';

/** States a decision can be taken on: a draft, or a quote submitted for approval. */
const DECIDABLE = new Set<CrmQuote['status']>(['DRAFT', 'PENDING_APPROVAL']);

async function decidableQuote(ctx: WritesContext, quoteId: string, what: string): Promise<CrmQuote> {
  const quote = await readCrm(ctx, 'quote', quoteId);
  if (!quote) throw appError('NOT_FOUND', 'No such quote', { field: 'quoteId' });
  if (quote.odooOrderId) throw appError('CONFLICT', `The quote became order ${quote.odooOrderRef ?? quote.odooOrderId} and can no longer be ${what}`, { field: 'quoteId' });
  if (!DECIDABLE.has(quote.status)) {
    throw appError('CONFLICT', `The quote is ${quote.status ?? 'in an unknown state'}; only a draft or a quote pending approval can be ${what}`, { field: 'quoteId' });
  }
  return quote;
}

export async function approveQuote(_: unknown, args: MutationApproveQuoteArgs, ctx: WritesContext) {
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const quoteId = crmIdOf(args.quoteId, 'Quote', 'quoteId');
  const { result, replayed } = await ctx.idempotency.run(
    { key: idempotencyKey, scope: keyScope(ctx, 'approveQuote'), actor: ctx.identity.sub, fingerprint: { quoteId } },
    async () => {
      const quote = await decidableQuote(ctx, quoteId, 'approved');
      await assertApprovable(ctx, quoteId, 'approved');
      const lineIds = (await ctx.crm.associations('quote', [quoteId], 'quoteLine', { requestId: ctx.requestId })).get(quoteId) ?? [];
      const lines = (await ctx.crm.read('quoteLine', lineIds, { requestId: ctx.requestId })).sort((a, b) => Number(a.id) - Number(b.id));
      const authority = discountAuthority(ctx.identity);
      lines.forEach((line, i) => {
        const discount = line.discount ?? 0;
        if (discount > authority) {
          throw appError('FORBIDDEN', `lines[${i}].discount: ${discount}% exceeds your approval authority of ${authority}%`, { field: `lines[${i}].discount` });
        }
      });
      const limit = Math.max(0, ...lines.map((l) => l.discount ?? 0));
      await ctx.crm.updateQuote(quoteId, { status: 'APPROVED', approvedDiscountLimit: limit }, { requestId: ctx.requestId });
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'approveQuote', system: ctx.crm.system, object: 'Quote', objectId: args.quoteId, fields: ['status', 'approvedDiscountLimit'],
        before: ctx.crm.storedValues('quote', { status: quote.status, approvedDiscountLimit: quote.approvedDiscountLimit }),
        after: ctx.crm.storedValues('quote', { status: 'APPROVED', approvedDiscountLimit: limit }),
        idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: args.quoteId, limit };
    },
  );
  return { quote: { id: result.quoteId }, approvedDiscountLimit: result.limit, replayed };
}

export async function rejectQuote(_: unknown, args: MutationRejectQuoteArgs, ctx: WritesContext) {
  const { reason } = parseInput(quoteRejectionSchema, { reason: args.reason }, '');
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const quoteId = crmIdOf(args.quoteId, 'Quote', 'quoteId');
  const { result, replayed } = await ctx.idempotency.run(
    { key: idempotencyKey, scope: keyScope(ctx, 'rejectQuote'), actor: ctx.identity.sub, fingerprint: { quoteId, reason } },
    async () => {
      const quote = await decidableQuote(ctx, quoteId, 'rejected');
      await ctx.crm.updateQuote(quoteId, { status: 'REJECTED', approvedDiscountLimit: null }, { requestId: ctx.requestId });
      await ctx.audit.record({
        actor: actorOf(ctx), action: 'rejectQuote', system: ctx.crm.system, object: 'Quote', objectId: args.quoteId, fields: ['status', 'reason'],
        before: ctx.crm.storedValues('quote', { status: quote.status }),
        after: { ...ctx.crm.storedValues('quote', { status: 'REJECTED' }), reason },
        idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: args.quoteId };
    },
  );
  return { quote: { id: result.quoteId }, deal: null, replayed };
}
