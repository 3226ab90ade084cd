// Starts the CRM subgraph alone (production deployment): HUBSPOT_* points it at a
// real HubSpot portal, or at the sandbox (`npm run sandbox:hubspot`).
import { listen } from '../../core/http.ts';
import { createLogger } from '../../core/logger.ts';
import { runMain } from '../../core/main.ts';
import { loadSubgraphServiceConfig } from '../common/service-config.ts';
import { loadHubSpotConfig } from '../../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../../connectors/crm/hubspot/hubspot-client.ts';
import { createCrmSubgraph } from './server.ts';

runMain('crm-subgraph', async () => {
  const service = loadSubgraphServiceConfig();
  const hubspot = loadHubSpotConfig();
  const logger = createLogger('crm-subgraph');
  const sub = await createCrmSubgraph({ internalSecret: service.INTERNAL_TOKEN_SECRET, client: createHubSpotClient(hubspot), cacheTtlMs: service.CACHE_TTL_MS, logger });
  const url = await listen(sub.server, service.CRM_SUBGRAPH_PORT, service.SUBGRAPH_HOST);
  logger.info({ url: `${url}/graphql` }, 'crm subgraph listening');
});
