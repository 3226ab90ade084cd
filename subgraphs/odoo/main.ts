// Starts the Odoo subgraph alone (production deployment): ODOO_* points it at a
// real Odoo, or at the sandbox (`npm run sandbox:odoo`).
import { listen } from '../common/http.ts';
import { createLogger } from '../common/logger.ts';
import { runMain } from '../common/main.ts';
import { loadSubgraphServiceConfig } from '../common/service-config.ts';
import { loadOdooConfig } from './datasources/config.ts';
import { createOdooClient } from './datasources/odoo-client.ts';
import { createOdooSubgraph } from './server.ts';

runMain('odoo-subgraph', async () => {
  const service = loadSubgraphServiceConfig();
  const odoo = loadOdooConfig();
  const logger = createLogger('odoo-subgraph');
  const sub = await createOdooSubgraph({ internalSecret: service.INTERNAL_TOKEN_SECRET, client: createOdooClient(odoo), companyIds: service.ODOO_COMPANY_IDS, cacheTtlMs: service.CACHE_TTL_MS, logger });
  const url = await listen(sub.server, service.ODOO_SUBGRAPH_PORT, service.SUBGRAPH_HOST);
  logger.info({ url: `${url}/graphql` }, 'odoo subgraph listening');
});
