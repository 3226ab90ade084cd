// Quotes are CRM-owned: created and changed in HubSpot only. Products are
// checked against Odoo first, so a quote never names a product the ERP cannot sell.
import { createHash } from 'node:crypto';
import { appError } from '../../common/errors.ts';
import { decodeId, encodeId } from '../../common/ids.ts';
import { limitedToOwnRecords } from '../../common/permissions.ts';
import { searchRows } from '../../odoo/loaders.ts';
import type { WritesContext } from '../context.ts';
import { accountTwins, actorOf, assertOwnedBy, odooSession, readHubSpot } from '../systems.ts';
import { idempotencyKeySchema, parseInput, quoteCreateSchema, quoteUpdateSchema } from '../validation.ts';

/** The quote number is derived from the idempotency key, so a retried create cannot mint a second number. */
function quoteNumberFor(actor: string, key: string, now: Date): string {
  return `Q-${now.getUTCFullYear()}-W${createHash('sha256').update(`${actor}\u0000${key}`).digest('hex').slice(0, 8).toUpperCase()}`;
}

export async function createQuote(_: unknown, args: { input: unknown; idempotencyKey: string }, ctx: WritesContext) {
  const input = parseInput(quoteCreateSchema, args.input, 'input');
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const { result, replayed } = await ctx.idempotency.run(
    { key: idempotencyKey, scope: 'createQuote', actor: ctx.identity.sub, fingerprint: input },
    async (progress) => {
      const { company } = await accountTwins(ctx, input.account, 'input.account');
      if (!company) throw appError('BAD_USER_INPUT', 'The account has no CRM record', { field: 'input.account' });
      assertOwnedBy(ctx, company.hubspot_owner_id, 'account', limitedToOwnRecords(ctx.identity, 'createQuote'));
      const skus = [...new Set(input.lines.map((l) => l.sku))];
      const products = await searchRows(odooSession(ctx), 'product.product', [['default_code', 'in', skus]]);
      const bySku = new Map(products.map((p) => [String(p.default_code), p]));
      input.lines.forEach((l, i) => {
        const p = bySku.get(l.sku);
        if (!p) throw appError('BAD_USER_INPUT', `input.lines[${i}].sku: no product ${l.sku} in Odoo`, { field: `input.lines[${i}].sku` });
        if (!p.sale_ok) throw appError('BAD_USER_INPUT', `input.lines[${i}].sku: ${l.sku} cannot be sold`, { field: `input.lines[${i}].sku` });
      });

      const number = quoteNumberFor(ctx.identity.sub, idempotencyKey, ctx.now());
      let quoteId = progress.get('quote') as string | undefined;
      if (!quoteId) {
        const quote = await ctx.hubspot.create('quotes', {
          hs_title: input.title,
          hs_status: 'DRAFT',
          hs_currency: input.currency,
          hs_expiration_date: input.validUntil,
          quote_number: number,
          ...(input.requestedDeliveryDate ? { requested_delivery_date: input.requestedDeliveryDate } : {}),
          ...(input.incoterm ? { incoterm: input.incoterm } : {}),
          hubspot_owner_id: ctx.identity.crmOwnerId ?? String(company.hubspot_owner_id ?? ''),
        }, { requestId: ctx.requestId });
        quoteId = quote.id;
        progress.record('quote', quoteId);
        await ctx.hubspot.associate('quotes', quoteId, 'companies', company.id, { requestId: ctx.requestId });
      }
      for (const [i, line] of input.lines.entries()) {
        if (progress.get(`line:${i}`)) continue;
        const item = await ctx.hubspot.create('line_items', {
          name: String(bySku.get(line.sku)!.name),
          hs_sku: line.sku,
          quantity: String(line.quantity),
          price: String(line.unitPrice),
          hs_discount_percentage: String(line.discount),
        }, { requestId: ctx.requestId });
        await ctx.hubspot.associate('quotes', quoteId, 'line_items', item.id, { requestId: ctx.requestId });
        progress.record(`line:${i}`, item.id);
      }
      ctx.audit.record({
        actor: actorOf(ctx), action: 'createQuote', system: 'hubspot', object: 'Quote', objectId: encodeId('Quote', 'hubspot', quoteId),
        fields: ['number', 'title', 'lines'], before: {}, after: { number, title: input.title, lines: input.lines.length }, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: encodeId('Quote', 'hubspot', quoteId) };
    },
  );
  return { quote: { id: result.quoteId }, replayed };
}

const QUOTE_TARGETS: Record<string, string> = {
  title: 'hs_title', validUntil: 'hs_expiration_date', requestedDeliveryDate: 'requested_delivery_date', incoterm: 'incoterm', status: 'hs_status',
};

export async function updateQuote(_: unknown, args: { id: string; input: unknown; idempotencyKey: string; expectedUpdatedAt?: string | null }, ctx: WritesContext) {
  const input = parseInput(quoteUpdateSchema, args.input, 'input');
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const quoteId = decodeId(args.id, 'Quote').sourceId;
  const { result, replayed } = await ctx.idempotency.run(
    { key: idempotencyKey, scope: 'updateQuote', actor: ctx.identity.sub, fingerprint: { quoteId, input, expected: args.expectedUpdatedAt ?? null } },
    async () => {
      const quote = await readHubSpot(ctx, 'quotes', quoteId);
      if (!quote) throw appError('NOT_FOUND', 'No such quote', { field: 'id' });
      assertOwnedBy(ctx, quote.hubspot_owner_id, 'quote', limitedToOwnRecords(ctx.identity, 'updateQuote'));
      if (quote.odoo_order_id) throw appError('CONFLICT', `The quote became order ${quote.odoo_order_ref ?? quote.odoo_order_id} and can no longer change`, { field: 'id' });
      if (args.expectedUpdatedAt && quote.hs_lastmodifieddate && new Date(quote.hs_lastmodifieddate).getTime() > new Date(args.expectedUpdatedAt).getTime()) {
        throw appError('CONFLICT', `The quote changed at ${quote.hs_lastmodifieddate}, after ${args.expectedUpdatedAt}`, { field: 'expectedUpdatedAt', system: 'hubspot' });
      }
      const properties = Object.fromEntries(Object.entries(input).map(([k, v]) => [QUOTE_TARGETS[k]!, String(v)]));
      await ctx.hubspot.update('quotes', quoteId, properties, { requestId: ctx.requestId });
      const fields = Object.keys(input);
      ctx.audit.record({
        actor: actorOf(ctx), action: 'updateQuote', system: 'hubspot', object: 'Quote', objectId: args.id, fields,
        before: Object.fromEntries(fields.map((f) => [f, quote[QUOTE_TARGETS[f]!] ?? null])), after: input, idempotencyKey, requestId: ctx.requestId, outcome: 'applied',
      });
      return { quoteId: args.id };
    },
  );
  return { quote: { id: result.quoteId }, replayed };
}
