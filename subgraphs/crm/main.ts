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
import { cacheBackingFor } from '../../core/cache.ts';
import { loadRedisConfig } from '../../core/redis.ts';

runMain('crm-subgraph', async () => {
  const service = loadSubgraphServiceConfig();
  const crm = createConfiguredCrm();
  const logger = createLogger('crm-subgraph');
  // Backend failure and retry lines carry this component's name.
  useBackendLogger(logger);
  const cache = cacheBackingFor(loadRedisConfig(), logger, 'crm-subgraph');
  const sub = await createCrmSubgraph({ internalSecret: service.INTERNAL_TOKEN_SECRET, crm, cacheTtlMs: service.CACHE_TTL_MS, cacheBacking: cache.backing, backendCallBudget: service.SUBGRAPH_BACKEND_CALL_BUDGET, logger });
  exitGracefullyOnSignals({ logger, servers: [sub.server], close: [() => sub.stop(), () => cache.close()] });
  const url = await listen(sub.server, service.CRM_SUBGRAPH_PORT, service.SUBGRAPH_HOST);
  logger.info({ url: `${url}/graphql` }, 'crm subgraph listening');
});
