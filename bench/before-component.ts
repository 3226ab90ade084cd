// One subgraph of the baseline stack (bench/before.ts) in a process of its own:
// `odoo-subgraph`, `crm-subgraph` or `writes-subgraph` (argv[2]) built from the
// commit materialised at BENCH_BEFORE_DIR, with the connector settings bench/component.ts
// gives today's subgraphs, against the same sandboxes (BENCH_ODOO_URL, BENCH_ODOO_DB,
// BENCH_HUBSPOT_URL; BENCH_CACHE_TTL_MS). Same IPC contract as component.ts: { url }
// once listening, 'cpu' → { cpu, rss }, 'stop' exits.
//
// The baseline's modules are imported by path, so their types are today's only where
// the names still match; the calls below are the ones 2016f13's scripts/stack.ts makes.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';

import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.BENCH_BEFORE_DIR;
if (!dir) throw new Error('BENCH_BEFORE_DIR is not set');
const load = (file: string): Promise<any> => import(pathToFileURL(path.join(dir, file)).href);

const role = process.argv[2];
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
const url = `${await listen(sub.server, 0, '127.0.0.1')}/graphql`;

process.on('message', (m: unknown) => {
  if (m === 'cpu') return process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  if (m === 'stop') {
    setTimeout(() => process.exit(0), 2000).unref();
    void sub.stop().finally(() => {
      sub.server.closeAllConnections?.();
      sub.server.close(() => process.exit(0));
    });
  }
});
process.send!({ url });
