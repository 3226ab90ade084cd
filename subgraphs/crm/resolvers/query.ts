import { appError } from '../../../policy/errors.ts';
import { decodeId } from '../../../core/ids.ts';
import { emptyConnection } from '../../common/paging.ts';
import { LIFECYCLE_STAGE_TO_HUBSPOT, QUOTE_STATUS_TO_HUBSPOT } from '../../../connectors/crm/hubspot/canonical.ts';
import { accountFromCompany, companyForAccount } from './account.ts';
import { crmConnection, updatedSinceFilter, type SearchFilter } from './lists.ts';
import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  async account(_, args, ctx) {
    const anchor = decodeId(args.id, 'Account');
    const company = await companyForAccount(args.id, ctx);
    // An Odoo-anchored account may have no CRM twin; its Odoo half still resolves.
    if (!company && anchor.system === 'hubspot') return null;
    return company ? accountFromCompany(company) : { id: args.id, company: null };
  },
  async accounts(_, args, ctx) {
    const f = args.filter ?? {};
    const filters: SearchFilter[] = [
      ...updatedSinceFilter(f.updatedSince),
      ...(f.name ? [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: `*${f.name}*` }] : []),
      ...(f.lifecycleStage ? [{ propertyName: 'lifecyclestage', operator: 'EQ', value: LIFECYCLE_STAGE_TO_HUBSPOT[f.lifecycleStage]! }] : []),
      ...(f.owner ? [{ propertyName: 'hubspot_owner_id', operator: 'EQ', value: f.owner }] : []),
    ];
    const conn = await crmConnection(ctx, 'companies', filters, args);
    return { ...conn, edges: conn.edges.map((e) => ({ cursor: e.cursor, node: accountFromCompany(e.node) })) };
  },
  async contact(_, args, ctx) {
    return ctx.loaders.contacts.load(decodeId(args.id, 'Contact').sourceId);
  },
  async quote(_, args, ctx) {
    if ((args.id == null) === (args.number == null)) {
      throw appError('BAD_USER_INPUT', 'Give exactly one of "id" or "number"', { field: args.id == null ? 'id' : 'number' });
    }
    return args.id ? ctx.loaders.quotes.load(decodeId(args.id, 'Quote').sourceId) : ctx.loaders.quotesByNumber.load(args.number!);
  },
  async quotes(_, args, ctx) {
    const f = args.filter ?? {};
    const filters: SearchFilter[] = [...updatedSinceFilter(f.updatedSince)];
    if (f.status?.length) filters.push({ propertyName: 'hs_status', operator: 'IN', values: f.status.flatMap((s) => QUOTE_STATUS_TO_HUBSPOT[s] ?? []) });
    if (f.number) filters.push({ propertyName: 'quote_number', operator: 'EQ', value: f.number });
    if (f.account) {
      const company = await companyForAccount(f.account, ctx, 'filter.account');
      const quoteIds = company ? await ctx.loaders.companyQuotes.load(company.id) : [];
      if (quoteIds.length === 0) return emptyConnection();
      filters.push({ propertyName: 'hs_object_id', operator: 'IN', values: quoteIds });
    }
    return crmConnection(ctx, 'quotes', filters, args);
  },
};
