// The CRM half of an Account. Ids anchored in the CRM are HubSpot company ids;
// ids anchored in Odoo are found through the company property odoo_partner_id.
import { decodeId, encodeId } from '../../../core/ids.ts';
import { mapped } from '../../common/rows.ts';
import { LIFECYCLE_STAGE } from '../../../connectors/crm/hubspot/canonical.ts';
import type { CrmRow, CrmSubgraphContext } from '../loaders.ts';
import type { AccountResolvers, ContactResolvers } from '../generated/resolvers-types.ts';
import type { AccountParent } from '../parents.ts';

export async function companyForAccount(id: string, ctx: CrmSubgraphContext, field = 'id'): Promise<CrmRow | null> {
  const ref = decodeId(id, 'Account', field);
  return ref.system === 'hubspot' ? ctx.loaders.companies.load(ref.sourceId) : ctx.loaders.companiesByOdooId.load(ref.sourceId);
}

async function companyOf(a: AccountParent, ctx: CrmSubgraphContext): Promise<CrmRow | null> {
  if (a.company === undefined) a.company = await companyForAccount(a.id, ctx);
  return a.company;
}

export const accountFromCompany = (company: CrmRow): AccountParent => ({ id: encodeId('Account', 'hubspot', company.id), company });

const prop = (name: string) => async (a: AccountParent, _: unknown, ctx: CrmSubgraphContext) => (await companyOf(a, ctx))?.[name] ?? null;

export const Account: AccountResolvers = {
  __resolveReference: async (ref, ctx): Promise<AccountParent> => ({ id: ref.id, company: await companyForAccount(ref.id, ctx) }),
  name: prop('name'),
  website: prop('website'),
  domain: prop('domain'),
  industry: prop('industry'),
  segment: prop('segment'),
  phone: prop('phone'),
  updatedAt: prop('hs_lastmodifieddate'),
  async lifecycleStage(a, _, ctx) {
    const c = await companyOf(a, ctx);
    return c?.lifecyclestage ? mapped(LIFECYCLE_STAGE, c.lifecyclestage, { system: 'hubspot', model: 'companies', recordId: c.id, field: 'lifecyclestage' }) : null;
  },
  async owner(a, _, ctx) {
    const c = await companyOf(a, ctx);
    return c?.hubspot_owner_id ? ctx.loaders.owners.load(String(c.hubspot_owner_id)) : null;
  },
  async contacts(a, _, ctx) {
    const c = await companyOf(a, ctx);
    if (!c) return [];
    const rows = await ctx.loaders.contacts.loadMany(await ctx.loaders.companyContacts.load(c.id));
    return rows.filter((r): r is CrmRow => r != null && !(r instanceof Error));
  },
  async quotes(a, _, ctx) {
    const c = await companyOf(a, ctx);
    if (!c) return [];
    const rows = await ctx.loaders.quotes.loadMany(await ctx.loaders.companyQuotes.load(c.id));
    return rows.filter((r): r is CrmRow => r != null && !(r instanceof Error));
  },
  async sourceRefs(a, _, ctx) {
    const c = await companyOf(a, ctx);
    const anchor = decodeId(a.id, 'Account');
    return {
      crmId: c?.id ?? (anchor.system === 'hubspot' ? anchor.sourceId : null),
      odooId: c?.odoo_partner_id != null ? String(c.odoo_partner_id) : anchor.system === 'odoo' ? anchor.sourceId : null,
    };
  },
};

export const Contact: ContactResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.contacts.load(decodeId(ref.id, 'Contact').sourceId),
  id: (c) => encodeId('Contact', 'hubspot', c.id),
  name: (c) => [c.firstname, c.lastname].filter(Boolean).join(' ') || c.email || `Contact ${c.id}`,
  firstName: (c) => c.firstname ?? null,
  lastName: (c) => c.lastname ?? null,
  email: (c) => c.email ?? null,
  phone: (c) => c.phone ?? null,
  jobTitle: (c) => c.jobtitle ?? null,
  async account(c, _, ctx) {
    const [companyId] = await ctx.loaders.contactCompanies.load(c.id);
    return companyId ? { id: encodeId('Account', 'hubspot', companyId) } : null;
  },
};
