// Reading what a write needs from both systems of record, through the same
// connectors and mappings the read subgraphs use.
import { MasterDataCache } from '../../core/cache.ts';
import { appError, type AppError } from '../../policy/errors.ts';
import { decodeId } from '../../core/ids.ts';
import type { CrmAccount, CrmKind, CrmRecords } from '../../connectors/crm/port.ts';
import { callOptions, searchRows, UNRESTRICTED, type OdooSession, type Row } from '../../connectors/odoo/records.ts';
import type { WritesContext } from './context.ts';

const NO_CACHE = new MasterDataCache({ namespace: 'writes', ttlMs: 0 });

/**
 * An Odoo session in one company: company-dependent values (credit limit, terms)
 * are read and written there. Only companies the caller may use: with none, or
 * another, nothing is read or written (an empty list would mean "the integration
 * user's defaults" to Odoo).
 */
export function odooSession(ctx: WritesContext, companyId?: number): OdooSession {
  if (ctx.companyIds.length === 0) throw appError('FORBIDDEN', 'The caller may not act in any Odoo company', { system: 'odoo' });
  if (companyId !== undefined && !ctx.companyIds.includes(companyId)) throw appError('FORBIDDEN', `The caller may not act in Odoo company ${companyId}`, { system: 'odoo', field: 'company' });
  const companyIds = companyId ? [companyId, ...ctx.companyIds.filter((c) => c !== companyId)] : ctx.companyIds;
  return { client: ctx.odoo, cache: NO_CACHE, companyIds, requestId: ctx.requestId, scope: UNRESTRICTED };
}

export function odooOptions(ctx: WritesContext, companyId?: number) {
  return callOptions(odooSession(ctx, companyId));
}

/** One CRM record by id, or null. */
export async function readCrm<K extends CrmKind>(ctx: WritesContext, kind: K, id: string): Promise<CrmRecords[K] | null> {
  return (await ctx.crm.read(kind, [id], { requestId: ctx.requestId }))[0] ?? null;
}

export interface AccountTwins {
  company: CrmAccount | null;
  partner: Row<'res.partner'> | null;
}

/**
 * Both halves of an account, found through the cross-reference the systems
 * themselves hold (the CRM account's Odoo partner id, Odoo `ref`) — and checked both ways:
 * a duplicate or mismatched reference is refused and routed to ERP admin (§4),
 * never resolved by picking one.
 */
export async function accountTwins(ctx: WritesContext, accountId: string, field: string, companyId?: number): Promise<AccountTwins> {
  const anchor = decodeId(accountId, 'Account', field);
  const session = odooSession(ctx, companyId);
  const company = anchor.system === 'crm' ? await readCrm(ctx, 'account', anchor.sourceId) : (await ctx.crm.accountsByOdooPartnerId([anchor.sourceId], { requestId: ctx.requestId }))[0] ?? null;
  const crmId = company?.id ?? (anchor.system === 'crm' ? anchor.sourceId : null);
  const claimants = crmId ? await searchRows(session, 'res.partner', [['ref', '=', crmId], ['parent_id', '=', false]], { limit: 3, order: 'id asc' }) : [];
  const partnerId = company?.odooPartnerId ?? (anchor.system === 'odoo' ? Number(anchor.sourceId) : claimants[0]?.id);
  const [partner] = partnerId ? await searchRows(session, 'res.partner', [['id', '=', Number(partnerId)]]) : [];
  const broken = async (why: string) => {
    await ctx.exceptions.record({ team: 'ERP_ADMIN', code: 'CROSS_REFERENCE_CONFLICT', message: why, object: 'Account', objectId: accountId, field: 'id', requestId: ctx.requestId });
    return appError('CROSS_REFERENCE_CONFLICT', `${why}; ERP admin has been notified`, { field });
  };
  if (claimants.length > 1) throw await broken(`Odoo partners ${claimants.map((p) => p.id).join(', ')} all claim ${ctx.crm.label} company ${crmId}`);
  if (company && partner && String(partner.ref ?? '') !== company.id) throw await broken(`${ctx.crm.label} company ${company.id} names Odoo partner ${partner.id}, which names ${partner.ref ?? 'no company'}`);
  if (!company && !partner) throw appError('NOT_FOUND', `No account ${accountId}`, { field });
  return { company, partner: partner ?? null };
}

/** The caller may act on a record whose CRM owner is the caller (sales_rep), or on any record. */
export function assertOwnedBy(ctx: WritesContext, ownerId: unknown, what: string, limited: boolean): void {
  if (!limited) return;
  if (!ctx.identity.crmOwnerId || String(ownerId ?? '') !== ctx.identity.crmOwnerId) {
    throw appError('FORBIDDEN', `Only the owning sales rep may change this ${what}`);
  }
}

export function actorOf(ctx: WritesContext) {
  return { sub: ctx.identity.sub, role: ctx.identity.roles.join('+') };
}

export function errorSummary(e: unknown): { code: string; message: string } {
  const err = e as AppError;
  return { code: err?.code ?? 'INTERNAL_SERVER_ERROR', message: err?.code ? err.message : 'Internal error' };
}

export const DAY_MS = 86_400_000;

export function addDays(date: Date, days: number): string {
  return new Date(date.getTime() + Math.ceil(days) * DAY_MS).toISOString().slice(0, 10);
}

/** Idempotency keys are the caller's own: two users choosing the same key never collide. */
export function keyScope(ctx: WritesContext, mutation: string): string {
  return `${mutation}:${ctx.identity.sub}`;
}
