// The CRM half of an Account. CRM-anchored ids carry the CRM's account id;
// Odoo-anchored ones are found through the cross-reference the CRM record holds.
import { decodeId, encodeId, type DecodedId } from '../../../core/ids.ts';
import type { CrmAccount, CrmContact, CrmQuote } from '../../../connectors/crm/port.ts';
import type { AppError } from '../../../policy/errors.ts';
import type { CrmSubgraphContext } from '../loaders.ts';
import { field, fieldOf } from './field.ts';

import type { AccountParent } from '../parents.ts';
import type { AccountResolvers, ContactResolvers } from '../generated/resolvers-types.ts';

export type { AccountParent };

/**
 * The loader's own promise, not an async function's around it: a BI page resolves 50
 * accounts, and an async function returning a promise costs two promises and three
 * microtasks more per account. A malformed id still rejects rather than throws, so one
 * bad representation fails its own entity, not the whole `_entities` list.
 */
export function crmAccountFor(id: string, ctx: CrmSubgraphContext, argument = 'id'): Promise<CrmAccount | null> {
  let ref: DecodedId;
  try {
    ref = decodeId(id, 'Account', argument);
  } catch (e) {
    return Promise.reject(e);
  }
  return ref.system === 'crm' ? ctx.loaders.accounts.load(ref.sourceId) : ctx.loaders.accountsByOdooId.load(ref.sourceId);
}

async function accountOf(a: AccountParent, ctx: CrmSubgraphContext): Promise<CrmAccount | null> {
  if (a.account === undefined) a.account = await crmAccountFor(a.id, ctx);
  return a.account;
}

export const accountFromCrm = (account: CrmAccount): AccountParent => ({ id: encodeId('Account', 'crm', account.id), account });

const prop = <K extends Exclude<keyof CrmAccount, 'id' | 'errors'>>(name: K) => {
  const valueOf = (account: CrmAccount | null): CrmAccount[K] | AppError | null => (account ? field(account, name) ?? null : null);
  // An entity arrives with its account loaded (__resolveReference, accountFromCrm): answered
  // at once, without a promise per field and record (a BI page resolves 50 names).
  return (a: AccountParent, _: unknown, ctx: CrmSubgraphContext): CrmAccount[K] | AppError | null | Promise<CrmAccount[K] | AppError | null> =>
    a.account !== undefined ? valueOf(a.account) : accountOf(a, ctx).then(valueOf);
};

export const Account: AccountResolvers = {
  __resolveReference: (ref: { id: string }, ctx: CrmSubgraphContext): Promise<AccountParent> => crmAccountFor(ref.id, ctx).then((account) => ({ id: ref.id, account })),
  name: prop('name'),
  website: prop('website'),
  domain: prop('domain'),
  industry: prop('industry'),
  segment: prop('segment'),
  phone: prop('phone'),
  updatedAt: prop('updatedAt'),
  // @ts-expect-error codegen does not wrap enum results, so the field's MAPPING_ERROR (returned as its value) is not in the type.
  lifecycleStage: prop('lifecycleStage'),
  async owner(a: AccountParent, _: unknown, ctx: CrmSubgraphContext) {
    const account = await accountOf(a, ctx);
    if (!account) return null;
    const owner = field(account, 'ownerId');
    return typeof owner === 'string' ? ctx.loaders.owners.load(owner) : owner;
  },
  async contacts(a: AccountParent, _: unknown, ctx: CrmSubgraphContext) {
    const account = await accountOf(a, ctx);
    if (!account) return [];
    const rows = await ctx.loaders.contacts.loadMany(await ctx.loaders.accountContacts.load(account.id));
    return rows.filter((r): r is CrmContact => r != null && !(r instanceof Error));
  },
  async quotes(a: AccountParent, _: unknown, ctx: CrmSubgraphContext) {
    const account = await accountOf(a, ctx);
    if (!account) return [];
    const rows = await ctx.loaders.quotes.loadMany(await ctx.loaders.accountQuotes.load(account.id));
    return rows.filter((r): r is CrmQuote => r != null && !(r instanceof Error));
  },
  async sourceRefs(a: AccountParent, _: unknown, ctx: CrmSubgraphContext) {
    const account = await accountOf(a, ctx);
    const anchor = decodeId(a.id, 'Account');
    return {
      crmId: account?.id ?? (anchor.system === 'crm' ? anchor.sourceId : null),
      odooId: account?.odooPartnerId != null ? String(account.odooPartnerId) : anchor.system === 'odoo' ? anchor.sourceId : null,
    };
  },
};

export const Contact: ContactResolvers = {
  __resolveReference: (ref: { id: string }, ctx: CrmSubgraphContext) => ctx.loaders.contacts.load(decodeId(ref.id, 'Contact').sourceId),
  id: (c: CrmContact) => encodeId('Contact', 'crm', c.id),
  // A display name built from parts: a malformed part fails the name rather than showing its error text.
  name: (c: CrmContact) => c.errors.firstName ?? c.errors.lastName ?? ([c.firstName, c.lastName].filter(Boolean).join(' ') || (c.errors.email ? null : c.email) || `Contact ${c.id}`),
  firstName: fieldOf<CrmContact, 'firstName'>('firstName'),
  lastName: fieldOf<CrmContact, 'lastName'>('lastName'),
  email: fieldOf<CrmContact, 'email'>('email'),
  phone: fieldOf<CrmContact, 'phone'>('phone'),
  jobTitle: fieldOf<CrmContact, 'jobTitle'>('jobTitle'),
  async account(c: CrmContact, _: unknown, ctx: CrmSubgraphContext) {
    const [accountId] = await ctx.loaders.contactAccounts.load(c.id);
    return accountId ? { id: encodeId('Account', 'crm', accountId) } : null;
  },
};
