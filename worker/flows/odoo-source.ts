// What the Odoo-sourced flows share: a session over every company of the
// integration user, and change detection on `write_date` as keyset paging.
import { MasterDataCache } from '../../core/cache.ts';
import { toOdooDatetime } from '../../connectors/odoo/canonical.ts';
import type { Domain } from '../../connectors/odoo/odoo-client.ts';
import { apiUserCompanyIds, searchRows, UNRESTRICTED, type OdooSession } from '../../connectors/odoo/records.ts';
import type { OdooModelName } from '../../connectors/odoo/mapping/models.ts';
import type { ChangeHint, DetectArgs, DetectResult, FlowContext } from '../flow.ts';

const COMPANIES_TTL_MS = 10 * 60_000;

/** A session factory per flow: the company list is looked up once every ten minutes, not per job. */
export function odooSessions() {
  let companies: { at: number; ids: Promise<number[]> } | undefined;
  const cache = new MasterDataCache({ namespace: 'sync', ttlMs: 0 });
  return async (ctx: FlowContext): Promise<OdooSession> => {
    if (!companies || Date.now() - companies.at > COMPANIES_TTL_MS) {
      const ids = apiUserCompanyIds(ctx.odoo, cache, ctx.requestId);
      companies = { at: Date.now(), ids };
      ids.catch(() => (companies = undefined));
    }
    return { client: ctx.odoo, cache, companyIds: await companies.ids, requestId: ctx.requestId, scope: UNRESTRICTED };
  };
}

/** Odoo's naive-UTC datetime of an ISO instant. */
const odooTime = (iso: string) => toOdooDatetime(new Date(iso));

/**
 * Changes of one Odoo model strictly after (write_date, id), oldest first; `extra`
 * narrows the stream (e.g. only customer invoices). Reads only id and write_date:
 * the record itself is read by `apply`, so one malformed record cannot stop detection.
 */
export async function detectByWriteDate(session: OdooSession, args: DetectArgs, limit: number, extra: Domain = [], model: OdooModelName = args.model as OdooModelName): Promise<DetectResult> {
  const domain: Domain = [...extra];
  if (args.since) domain.push(['write_date', '>=', odooTime(args.since)]);
  if (args.after) {
    const v = odooTime(args.after.version);
    if (args.after.id === '') domain.push(['write_date', '>=', v]);
    else domain.push('|', ['write_date', '>', v], '&', ['write_date', '=', v], ['id', '>', Number(args.after.id)]);
  }
  const rows = await session.client.searchRead(model, domain, ['write_date'], { limit, order: 'write_date asc, id asc' }, {
    context: session.companyIds.length ? { allowed_company_ids: session.companyIds } : {}, requestId: session.requestId,
  });
  const changes: ChangeHint[] = [];
  for (const r of rows) {
    const wd = typeof r.write_date === 'string' ? r.write_date : null;
    // Without a write_date there is no position to keep; such a row is read again from `since` only.
    if (!wd) continue;
    changes.push({ model: args.model, recordId: String(r.id), version: new Date(`${wd.replace(' ', 'T')}Z`).toISOString() });
  }
  return { changes, drained: rows.length < limit };
}

export { searchRows };
