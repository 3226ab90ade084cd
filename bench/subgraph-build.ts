// One subgraph (`odoo-subgraph`, `crm-subgraph`, `writes-subgraph`) built from the
// checkout at `root` as scripts/stack.ts builds it, against the bench's sandboxes
// (BENCH_ODOO_URL, BENCH_ODOO_DB, BENCH_HUBSPOT_URL; BENCH_CACHE_TTL_MS). Today's
// subgraphs (bench/component.ts) and an earlier commit's (bench/before-component.ts)
// are built by this one function, so both get the same connector settings.
//
// `code`: `dist` loads the checkout's compiled JavaScript (dist/, `npm run build`), as
// production runs the subgraphs; `tsx` its TypeScript sources.
//
// Modules are imported by path, so an earlier commit's types are today's only where
// the names still match; the calls are those its scripts/stack.ts makes since 2016f13.
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function buildSubgraph(role: string, root: string, code: 'dist' | 'tsx' = 'tsx'): Promise<{ server: Server; stop: () => Promise<void>; url: string }> {
  const load = (file: string): Promise<any> => import(pathToFileURL(code === 'dist' ? path.join(root, 'dist', file.replace(/\.ts$/, '.js')) : path.join(root, file)).href);
  const { listen } = await load('core/http.ts');
  const { DEV_INTERNAL_SECRET } = await load('core/identity.ts');
  const { loadOdooConfig } = await load('connectors/odoo/config.ts');
  const { createOdooClient } = await load('connectors/odoo/odoo-client.ts');
  const { loadHubSpotConfig } = await load('connectors/crm/hubspot/config.ts');
  const { createHubSpotClient } = await load('connectors/crm/hubspot/hubspot-client.ts');
  const { createHubSpotCrm } = await load('connectors/crm/hubspot/adapter.ts');
  const { SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS } = await load('sandboxes/seed/index.ts');
  const cacheTtlMs = Number(process.env.BENCH_CACHE_TTL_MS ?? 0);
  const odoo = () => createOdooClient(loadOdooConfig({
    ODOO_URL: process.env.BENCH_ODOO_URL, ODOO_DB: process.env.BENCH_ODOO_DB, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login,
    ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: 'json2', ODOO_MAX_RETRIES: '1', ODOO_TIMEOUT_MS: '5000',
  }));
  const crm = () => createHubSpotCrm(createHubSpotClient(loadHubSpotConfig({
    HUBSPOT_BASE_URL: process.env.BENCH_HUBSPOT_URL, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN, HUBSPOT_MAX_RETRIES: '1', HUBSPOT_TIMEOUT_MS: '5000',
    // bench.ts turns the connector's pacing off (HubSpot's limits are off in its sandbox too): paced, every
    // target waited for the next 10-second window once ~100 HubSpot calls were spent, ~10 s stalls in every column.
    HUBSPOT_PACING: process.env.HUBSPOT_PACING ?? 'on',
  })));
  let sub: { server: Server; stop: () => Promise<void> };
  if (role === 'odoo-subgraph') {
    const { createOdooSubgraph } = await load('subgraphs/odoo/server.ts');
    sub = await createOdooSubgraph({ client: odoo(), internalSecret: DEV_INTERNAL_SECRET, cacheTtlMs });
  } else if (role === 'crm-subgraph') {
    const { createCrmSubgraph } = await load('subgraphs/crm/server.ts');
    sub = await createCrmSubgraph({ crm: crm(), internalSecret: DEV_INTERNAL_SECRET, cacheTtlMs });
  } else if (role === 'writes-subgraph') {
    const { createWritesSubgraph } = await load('subgraphs/writes/server.ts');
    const { openStore } = await load('store/index.ts');
    sub = await createWritesSubgraph({ odoo: odoo(), crm: crm(), store: openStore(':memory:'), internalSecret: DEV_INTERNAL_SECRET });
  } else {
    throw new Error(`unknown component ${String(role)}`);
  }
  return { ...sub, url: `${await listen(sub.server, 0, '127.0.0.1')}/graphql` };
}
