// Starts the CRM subgraph alone (production deployment): CRM_SYSTEM picks the CRM
// (hubspot), whose settings (HUBSPOT_*) point it at a real portal or at the sandbox
// (`npm run sandbox:hubspot`).
import { listen } from '../../core/http.ts';
import { createLogger } from '../../core/logger.ts';
import { runMain } from '../../core/main.ts';
import { exitGracefullyOnSignals } from '../../core/shutdown.ts';
import { useBackendLogger } from '../../connectors/shared/backend-telemetry.ts';
import { loadSubgraphServiceConfig } from '../common/service-config.ts';
import { createConfiguredCrm } from '../../connectors/crm/select.ts';
import { createCrmSubgraph } from './server.ts';

runMain('crm-subgraph', async () => {
  const service = loadSubgraphServiceConfig();
  const crm = createConfiguredCrm();
  const logger = createLogger('crm-subgraph');
  // Backend failure and retry lines carry this component's name.
  useBackendLogger(logger);
  const sub = await createCrmSubgraph({ internalSecret: service.INTERNAL_TOKEN_SECRET, crm, cacheTtlMs: service.CACHE_TTL_MS, backendCallBudget: service.SUBGRAPH_BACKEND_CALL_BUDGET, logger });
  exitGracefullyOnSignals({ logger, servers: [sub.server], close: [() => sub.stop()] });
  const url = await listen(sub.server, service.CRM_SUBGRAPH_PORT, service.SUBGRAPH_HOST);
  logger.info({ url: `${url}/graphql` }, 'crm subgraph listening');
});
