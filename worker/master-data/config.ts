// Settings of the master-data flows, read from the environment once (core/env.ts).
//   SYNC_CATALOG_PRICELIST_ID    the Odoo pricelist whose prices the CRM sells at (unset: list price)
//   SYNC_PARTNER_COMPANY_BY_COUNTRY  "United States=2,US=2,Canada=2": the Odoo company a new customer
//                                belongs to, by the CRM company's country (name or ISO code)
//   SYNC_PARTNER_DEFAULT_COMPANY_ID  the company for any other country (unset: shared by all
//                                companies, Odoo's own default for res.partner.company_id)
//   SYNC_CATALOG_POLL_MS         how often the worker pushes catalog changes (default hourly)
//   SYNC_CATALOG_BATCH_SIZE      products per batch call, 1–100 (default 100, HubSpot's maximum)
import { z } from 'zod';
import { parseEnv, type Env } from '../../core/env.ts';
import { intVar, optional } from '../../connectors/shared/resilience-config.ts';

const countryMap = z.string().transform((raw, ctx) => {
  const out = new Map<string, number>();
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(.+?)\s*=\s*(\d+)$/.exec(pair);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of COUNTRY=COMPANY_ID' });
      return z.NEVER;
    }
    out.set(m[1]!.toLowerCase(), Number(m[2]));
  }
  return out;
});

const schema = z.object({
  SYNC_CATALOG_PRICELIST_ID: optional(intVar(1, 2 ** 31 - 1).optional()),
  SYNC_PARTNER_COMPANY_BY_COUNTRY: optional(countryMap.default(new Map())),
  SYNC_PARTNER_DEFAULT_COMPANY_ID: optional(intVar(1, 2 ** 31 - 1).optional()),
  SYNC_CATALOG_POLL_MS: optional(intVar(1000, 7 * 24 * 3600 * 1000).default(3600 * 1000)),
  SYNC_CATALOG_BATCH_SIZE: optional(intVar(1, 100).default(100)),
}).transform((e) => ({
  catalogPricelistId: e.SYNC_CATALOG_PRICELIST_ID ?? null,
  companyByCountry: e.SYNC_PARTNER_COMPANY_BY_COUNTRY as Map<string, number>,
  defaultCompanyId: e.SYNC_PARTNER_DEFAULT_COMPANY_ID ?? null,
  catalogPollMs: e.SYNC_CATALOG_POLL_MS,
  catalogBatchSize: e.SYNC_CATALOG_BATCH_SIZE,
}));
export type MasterDataConfig = z.output<typeof schema>;

export function loadMasterDataConfig(env: Env = process.env): MasterDataConfig {
  return parseEnv(schema, env, { label: 'master-data sync' });
}

/** The Odoo company a new customer from this country belongs to; null = shared by every company. */
export function companyForCountry(config: MasterDataConfig, country: string | null): number | null {
  return (country ? config.companyByCountry.get(country.trim().toLowerCase()) : undefined) ?? config.defaultCompanyId;
}
