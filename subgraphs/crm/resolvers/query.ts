import { appError } from '../../../policy/errors.ts';
import { decodeId } from '../../../core/ids.ts';
import type { LifecycleStage, QuoteStatus } from '../../../policy/vocabulary.ts';
import { emptyConnection, type PageArgs } from '../../common/paging.ts';
import type { CrmSubgraphContext } from '../loaders.ts';
import { accountFromCrm, crmAccountFor } from './account.ts';
import { crmConnection, updatedSince } from './lists.ts';
import type { DeletableObject, QueryAccountsArgs, QueryDeletedSinceArgs, QueryQuoteArgs, QueryQuotesArgs, QueryResolvers } from '../generated/resolvers-types.ts';
import type { CrmRemovableKind } from '../../../connectors/crm/port.ts';
import { encodeId } from '../../../core/ids.ts';

/** Each removable object: the port's kind and the canonical type its ids are encoded as. */
const REMOVABLE: Record<DeletableObject, { kind: CrmRemovableKind; type: 'Account' | 'Contact' | 'Quote' }> = {
  ACCOUNT: { kind: 'account', type: 'Account' },
  CONTACT: { kind: 'contact', type: 'Contact' },
  QUOTE: { kind: 'quote', type: 'Quote' },
};

type ListArgs<F> = PageArgs & { filter?: F | null };

export const Query: QueryResolvers = {
  async account(_: unknown, args: { id: string }, ctx: CrmSubgraphContext) {
    const anchor = decodeId(args.id, 'Account');
    const account = await crmAccountFor(args.id, ctx);
    // An Odoo-anchored account may have no CRM twin; its Odoo half still resolves.
    if (!account && anchor.system === 'crm') return null;
    return account ? accountFromCrm(account) : { id: args.id, account: null };
  },
  async accounts(_: unknown, args: QueryAccountsArgs, ctx: CrmSubgraphContext) {
    const f = args.filter ?? {};
    const conn = await crmConnection(ctx, 'account', {
      ...updatedSince(f.updatedSince),
      ...(f.name ? { nameContains: f.name } : {}),
      ...(f.lifecycleStage ? { lifecycleStage: f.lifecycleStage } : {}),
      ...(f.owner ? { ownerId: f.owner } : {}),
    }, args);
    return { ...conn, edges: conn.edges.map((e) => ({ cursor: e.cursor, node: accountFromCrm(e.node) })) };
  },
  async deletedSince(_: unknown, args: QueryDeletedSinceArgs, ctx: CrmSubgraphContext) {
    const { kind, type } = REMOVABLE[args.object];
    const since = new Date(args.since);
    const { session } = ctx;
    const removed = await session.crm.removedSince(kind, since, { requestId: session.requestId, budget: session.budget });
    const allowed = await session.scope.allowedIds(kind);
    return removed
      .filter((r) => !allowed || allowed.has(r.id))
      .map((r) => ({ id: encodeId(type, 'crm', r.id), object: args.object, deletedAt: r.removedAt }));
  },
  async contact(_: unknown, args: { id: string }, ctx: CrmSubgraphContext) {
    return ctx.loaders.contacts.load(decodeId(args.id, 'Contact').sourceId);
  },
  async quote(_: unknown, args: QueryQuoteArgs, ctx: CrmSubgraphContext) {
    if ((args.id == null) === (args.number == null)) {
      throw appError('BAD_USER_INPUT', 'Give exactly one of "id" or "number"', { field: args.id == null ? 'id' : 'number' });
    }
    return args.id ? ctx.loaders.quotes.load(decodeId(args.id, 'Quote').sourceId) : ctx.loaders.quotesByNumber.load(args.number!);
  },
  async quotes(_: unknown, args: QueryQuotesArgs, ctx: CrmSubgraphContext) {
    const f = args.filter ?? {};
    const withinIds: string[][] = [];
    if (f.account) {
      const account = await crmAccountFor(f.account, ctx, 'filter.account');
      const quoteIds = account ? await ctx.loaders.accountQuotes.load(account.id) : [];
      if (quoteIds.length === 0) return emptyConnection();
      withinIds.push(quoteIds);
    }
    return crmConnection(ctx, 'quote', {
      ...updatedSince(f.updatedSince),
      ...(f.status?.length ? { statuses: f.status } : {}),
      ...(f.number ? { number: f.number } : {}),
      withinIds,
    }, args);
  },
};
