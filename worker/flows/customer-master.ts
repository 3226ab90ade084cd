// Customer master sync (R5, §4). Both systems keep the cross-reference: Odoo's
// res.partner.ref holds the CRM company id, the CRM company's odoo_partner_id holds the
// partner id. Three change streams feed one idempotent step per record:
//   res.partner  a customer company in Odoo → its CRM twin (created if none), both references set
//   account      a CRM company at lifecycle stage customer → its Odoo partner (created if none)
//   quote        an approved quote → its company becomes a customer, as above
// Each step re-reads today's data from both systems and writes only what differs, so a
// retry, a replay or the same change seen twice creates nothing twice: the CRM company
// is created by upsert on its unique odoo_partner_id, and a partner is looked up by its
// ref before one is created. Whenever the two systems disagree about who is whose twin
// (two CRM companies for one partner, a VAT mismatch, a reference to a deleted record)
// the step stops before writing and the conflict goes to sales operations.
import { flowFailure, type ChangeHint, type DetectArgs, type DetectResult, type Flow, type FlowContext, type ApplyResult } from '../flow.ts';
import { appError, MASTER_DATA_ISSUES, type AppError, type MasterDataIssueCode } from '../../policy/errors.ts';
import type { CrmCompany, CrmCompanyWrite } from '../../connectors/crm/port.ts';
import {
  createCustomerPartner, partnersByRef, partnersByVat, partnersChangedSince, readPartners, writePartner, type SyncPartner,
} from '../../connectors/odoo/master-data.ts';
import { companyUpdateFromPartner, newCompanyFromPartner, newPartnerFromCompany, partnerUpdateFromCompany, sameTaxId } from '../master-data/mapping.ts';
import { companyForCountry, loadMasterDataConfig, type MasterDataConfig } from '../master-data/config.ts';
import { detectUnlessRateLimited } from '../master-data/detect.ts';

export const CUSTOMER_MASTER = 'customer-master';
export const CUSTOMER_MASTER_CRM = 'customer-master-crm';
const PARTNER = 'res.partner';
const ACCOUNT = 'account';
const QUOTE = 'quote';

/**
 * A conflict the step will not resolve by guessing: not retried, recorded at once as a
 * CROSS_REFERENCE_CONFLICT exception for the issue's team (worker/flow.ts flowFailure),
 * the issue code leading the message.
 */
function conflict(code: MasterDataIssueCode, message: string, object: string, objectId: string): AppError {
  const error = flowFailure('CROSS_REFERENCE_CONFLICT', `${code}: ${message}`, { type: 'CROSS_REFERENCE_CONFLICT', team: MASTER_DATA_ISSUES[code].team, object, objectId, field: null });
  error.details.issue = code;
  return error;
}

const isCustomer = (p: SyncPartner) => p.active && p.is_company && !p.parent_id && (p.customer_rank ?? 0) > 0;
const call = (ctx: FlowContext) => ({ requestId: ctx.requestId, signal: ctx.signal });
const changed = (o: object) => Object.keys(o).length > 0;

async function audit(ctx: FlowContext, system: 'odoo' | 'crm', object: string, objectId: string, before: Record<string, unknown>, after: Record<string, unknown>): Promise<void> {
  await ctx.audit.record({
    actor: ctx.actor, action: ctx.flow, system: system === 'odoo' ? 'odoo' : ctx.crm.system, object, objectId,
    fields: Object.keys(after), before, after, requestId: ctx.requestId, outcome: 'applied',
  });
}

/** Refuses to link a CRM company and a partner whose tax ids differ. */
function checkTaxId(company: CrmCompany, partner: SyncPartner): void {
  if (!sameTaxId(company.taxId, partner.vat)) {
    throw conflict('TAX_ID_MISMATCH', `CRM company ${company.id} and Odoo partner ${partner.id} have different tax ids; they are not linked`, PARTNER, String(partner.id));
  }
}

/** Writes the CRM company's copies of Odoo-owned fields (and the cross-reference when it is missing). */
async function updateCompany(ctx: FlowContext, company: CrmCompany, partner: SyncPartner): Promise<string[]> {
  const update: CrmCompanyWrite = companyUpdateFromPartner(partner, company);
  if (company.odooPartnerId === partner.id && !changed(update)) return [];
  await ctx.crm.masterData.linkCompany(company.id, partner.id, update, call(ctx));
  await audit(ctx, 'crm', 'companies', company.id, { odooPartnerId: company.odooPartnerId, ...pick(company, update) }, { odooPartnerId: partner.id, ...update });
  const written = [...(company.odooPartnerId === partner.id ? [] : ['odoo_partner_id']), ...Object.keys(update)];
  return [`company ${company.id}: ${written.join(', ')}`];
}

/** Writes the partner's reference to the CRM company and its copies of CRM-owned fields. */
async function updatePartner(ctx: FlowContext, partner: SyncPartner, company: CrmCompany): Promise<string[]> {
  const vals = { ...partnerUpdateFromCompany(company, partner), ...(partner.ref === company.id ? {} : { ref: company.id }) };
  if (!changed(vals)) return [];
  await writePartner(ctx.odoo, partner.id, vals, call(ctx));
  await audit(ctx, 'odoo', PARTNER, String(partner.id), pick(partner as unknown as Record<string, unknown>, vals), vals);
  return [`partner ${partner.id}: ${Object.keys(vals).join(', ')}`];
}

function pick(from: object, keys: object): Record<string, unknown> {
  return Object.fromEntries(Object.keys(keys).map((k) => [k, (from as Record<string, unknown>)[k] ?? null]));
}

const result = (effects: string[]): ApplyResult => (effects.length ? { outcome: 'applied', effects } : { outcome: 'unchanged' });

/** An Odoo customer → its CRM twin, cross-referenced both ways. */
export async function syncPartner(ctx: FlowContext, partnerId: number): Promise<ApplyResult> {
  const [partner] = await readPartners(ctx.odoo, [partnerId], call(ctx));
  if (!partner || !isCustomer(partner)) return { outcome: 'skipped' };
  const claimant = await ctx.crm.masterData.companyByOdooPartnerId(partner.id, call(ctx));
  if (partner.ref) {
    if (claimant && claimant.id !== partner.ref) {
      throw conflict('TWIN_CONFLICT', `Odoo partner ${partner.id} names CRM company ${partner.ref}, but CRM company ${claimant.id} claims it`, PARTNER, String(partner.id));
    }
    const [twin] = claimant ? [claimant] : await ctx.crm.masterData.companies([partner.ref], call(ctx));
    if (!twin) throw conflict('REFERENCE_DANGLING', `Odoo partner ${partner.id} names CRM company ${partner.ref}, which does not exist`, PARTNER, String(partner.id));
    if (twin.odooPartnerId !== null && twin.odooPartnerId !== partner.id) {
      throw conflict('TWIN_CONFLICT', `Odoo partner ${partner.id} names CRM company ${twin.id}, which claims partner ${twin.odooPartnerId}`, PARTNER, String(partner.id));
    }
    checkTaxId(twin, partner);
    return result(await updateCompany(ctx, twin, partner));
  }
  if (claimant) {
    checkTaxId(claimant, partner);
    return result([...(await updatePartner(ctx, partner, claimant)), ...(await updateCompany(ctx, claimant, partner))]);
  }
  // No twin yet. The upsert on the unique cross-reference makes this safe to repeat: a
  // retry after a crash before the write-back below finds the company it made.
  const fields = newCompanyFromPartner(partner);
  const made = await ctx.crm.masterData.upsertCompanyForPartner(partner.id, fields, call(ctx));
  await audit(ctx, 'crm', 'companies', made.id, {}, { odooPartnerId: partner.id, ...fields });
  await writePartner(ctx.odoo, partner.id, { ref: made.id }, call(ctx));
  await audit(ctx, 'odoo', PARTNER, String(partner.id), { ref: null }, { ref: made.id });
  return { outcome: 'applied', effects: [`company ${made.id} ${made.created ? 'created' : 'found'} for partner ${partner.id}`, `partner ${partner.id}: ref`] };
}

/** A CRM company that is (or became) a customer → its Odoo partner, cross-referenced both ways. */
export async function syncCompany(ctx: FlowContext, config: MasterDataConfig, companyId: string, becameCustomer = false): Promise<ApplyResult> {
  const [company] = await ctx.crm.masterData.companies([companyId], call(ctx));
  if (!company) return { outcome: 'skipped' };
  if (company.odooPartnerId !== null) {
    const [partner] = await readPartners(ctx.odoo, [company.odooPartnerId], call(ctx));
    if (!partner) throw conflict('REFERENCE_DANGLING', `CRM company ${company.id} names Odoo partner ${company.odooPartnerId}, which does not exist`, ACCOUNT, company.id);
    if (partner.ref && partner.ref !== company.id) {
      throw conflict('TWIN_CONFLICT', `CRM company ${company.id} claims Odoo partner ${partner.id}, which names CRM company ${partner.ref}`, ACCOUNT, company.id);
    }
    checkTaxId(company, partner);
    return result([...(await updatePartner(ctx, partner, company)), ...(await updateCompany(ctx, company, partner))]);
  }
  if (company.lifecycleStage !== 'CUSTOMER' && !becameCustomer) return { outcome: 'skipped' };

  // A partner already naming this company (made by an earlier attempt, or by hand).
  const byRef = await partnersByRef(ctx.odoo, company.id, call(ctx));
  if (byRef.length > 1) {
    throw conflict('TWIN_CONFLICT', `Odoo partners ${byRef.map((p) => p.id).join(', ')} all name CRM company ${company.id}`, ACCOUNT, company.id);
  }
  let partner: SyncPartner | undefined = byRef[0];
  if (!partner && company.taxId) {
    // The customer may already be in Odoo without a CRM twin: same tax id, same company.
    const byVat = await partnersByVat(ctx.odoo, company.taxId, call(ctx));
    if (byVat.length > 1) throw conflict('TWIN_CONFLICT', `Odoo partners ${byVat.map((p) => p.id).join(', ')} share the tax id of CRM company ${company.id}`, ACCOUNT, company.id);
    partner = byVat[0];
    if (partner?.ref && partner.ref !== company.id) {
      throw conflict('TWIN_CONFLICT', `CRM company ${company.id} has the tax id of Odoo partner ${partner.id}, which names CRM company ${partner.ref}`, ACCOUNT, company.id);
    }
  }
  if (partner) {
    const claimant = await ctx.crm.masterData.companyByOdooPartnerId(partner.id, call(ctx));
    if (claimant && claimant.id !== company.id) {
      throw conflict('TWIN_CONFLICT', `CRM companies ${company.id} and ${claimant.id} both claim Odoo partner ${partner.id}`, ACCOUNT, company.id);
    }
    checkTaxId(company, partner);
    return result([...(await updatePartner(ctx, partner, company)), ...(await updateCompany(ctx, { ...company, odooPartnerId: null }, partner))]);
  }

  const companyIdInOdoo = companyForCountry(config, company.country);
  const draft = newPartnerFromCompany(company);
  // The ref goes in with the create: a retry after a crash before the write-back below
  // finds this partner by its ref instead of creating a second one.
  const id = await createCustomerPartner(ctx.odoo, companyIdInOdoo, { ...draft, ref: company.id }, call(ctx));
  await audit(ctx, 'odoo', PARTNER, String(id), {}, { ...draft, ref: company.id, company_id: companyIdInOdoo });
  await ctx.crm.masterData.linkCompany(company.id, id, {}, call(ctx));
  await audit(ctx, 'crm', 'companies', company.id, { odooPartnerId: null }, { odooPartnerId: id });
  return { outcome: 'applied', effects: [`partner ${id} created in company ${companyIdInOdoo ?? 'shared'} for company ${company.id}`, `company ${company.id}: odoo_partner_id`] };
}

/** An approved quote: its companies become customers (their first confirmed quote). */
async function syncQuote(ctx: FlowContext, config: MasterDataConfig, quoteId: string): Promise<ApplyResult> {
  const [quote] = await ctx.crm.read('quote', [quoteId], call(ctx));
  if (!quote || quote.status !== 'APPROVED') return { outcome: 'skipped' };
  const companies = (await ctx.crm.associations('quote', [quoteId], 'account', call(ctx))).get(quoteId) ?? [];
  const effects: string[] = [];
  for (const id of companies) effects.push(...((await syncCompany(ctx, config, id, true)).effects ?? []));
  return result(effects);
}

const instant = (v: string | null | undefined): string => new Date(v ?? 0).toISOString();

function detect(ctx: FlowContext, args: DetectArgs, limit: number): Promise<DetectResult> {
  return detectUnlessRateLimited(ctx, args.model, () => detectChanges(ctx, args, limit));
}

async function detectChanges(ctx: FlowContext, args: DetectArgs, limit: number): Promise<DetectResult> {
  const floor = args.since ? new Date(args.since) : null;
  const from = args.after ?? (floor ? { version: floor.toISOString(), id: '' } : null);
  let changes: ChangeHint[];
  if (args.model === PARTNER) {
    const cursor = from ? { since: from.version, ...(from.id ? { afterId: Number(from.id) } : {}) } : null;
    const stream = await partnersChangedSince(ctx.odoo, cursor, limit, call(ctx));
    changes = stream.map((p) => ({ model: PARTNER, recordId: String(p.id), version: p.version }));
  } else if (args.model === ACCOUNT || args.model === QUOTE) {
    const cursor = { since: new Date(from?.version ?? 0), ...(from?.id ? { afterId: from.id } : {}) };
    const rows = args.model === ACCOUNT
      ? await ctx.crm.masterData.customersChangedSince(cursor, limit, call(ctx))
      : await ctx.crm.masterData.approvedQuotesChangedSince(cursor, limit, call(ctx));
    changes = rows.map((r) => ({ model: args.model, recordId: r.id, version: instant(r.updatedAt) }));
  } else {
    throw appError('BAD_USER_INPUT', `the customer master sync has no change stream for ${args.model}`, { field: 'model' });
  }
  return { changes, drained: changes.length < limit };
}

/**
 * The two directions are two flows because the engine routes a webhook by the system
 * it comes from: `customer-master` follows Odoo's customers (an Odoo automation
 * rule's notification reaches it), `customer-master-crm` follows the CRM's customers
 * and approved quotes (HubSpot's company and quote webhooks reach it). Both run the
 * same steps, so either direction finishes a half-made pair.
 */
export function createCustomerMasterFlows(configOf: () => MasterDataConfig = loadMasterDataConfig): [Flow, Flow] {
  // Read when the worker starts: a bad SYNC_* setting stops it, not each job.
  const config = configOf();
  const settings = () => config;
  const apply = async (ctx: FlowContext, change: ChangeHint): Promise<ApplyResult> => {
    if (change.model === PARTNER) {
      const id = Number(change.recordId);
      if (!Number.isSafeInteger(id) || id < 1) throw appError('BAD_USER_INPUT', `${PARTNER} id must be a positive integer`, { field: 'recordId' });
      return syncPartner(ctx, id);
    }
    if (change.model === ACCOUNT) return syncCompany(ctx, settings(), change.recordId);
    if (change.model === QUOTE) return syncQuote(ctx, settings(), change.recordId);
    throw appError('BAD_USER_INPUT', `the customer master sync cannot apply a change of ${change.model}`, { field: 'model' });
  };
  return [
    { name: CUSTOMER_MASTER, source: 'odoo', models: [PARTNER], team: 'SALES_OPERATIONS', detect, apply },
    { name: CUSTOMER_MASTER_CRM, source: 'crm', models: [ACCOUNT, QUOTE], team: 'SALES_OPERATIONS', detect, apply },
  ];
}
