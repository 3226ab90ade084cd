// Starts the Odoo subgraph alone (production deployment): ODOO_* points it at a
// real Odoo, or at the sandbox (`npm run sandbox:odoo`).
import { listen } from '../../core/http.ts';
import { createLogger } from '../../core/logger.ts';
import { runMain } from '../../core/main.ts';
import { exitGracefullyOnSignals } from '../../core/shutdown.ts';
import { useBackendLogger } from '../../connectors/shared/backend-telemetry.ts';
import { loadSubgraphServiceConfig } from '../common/service-config.ts';
import { loadOdooConfig } from '../../connectors/odoo/config.ts';
import { createOdooClient } from '../../connectors/odoo/odoo-client.ts';
import { createOdooSubgraph } from './server.ts';
import { cacheBackingFor } from '../../core/cache.ts';
import { loadRedisConfig } from '../../core/redis.ts';

runMain('odoo-subgraph', async () => {
  const service = loadSubgraphServiceConfig();
  const odoo = loadOdooConfig();
  const logger = createLogger('odoo-subgraph');
  // Backend failure and retry lines carry this component's name.
  useBackendLogger(logger);
  const client = createOdooClient(odoo);
  const cache = cacheBackingFor(loadRedisConfig(), logger, 'odoo-subgraph');
  const sub = await createOdooSubgraph({ internalSecret: service.INTERNAL_TOKEN_SECRET, client, companyIds: service.ODOO_COMPANY_IDS, cacheTtlMs: service.CACHE_TTL_MS, cacheBacking: cache.backing, backendCallBudget: service.SUBGRAPH_BACKEND_CALL_BUDGET, logger });
  exitGracefullyOnSignals({ logger, servers: [sub.server], close: [() => sub.stop(), () => client.close(), () => cache.close()] });
  const url = await listen(sub.server, service.ODOO_SUBGRAPH_PORT, service.SUBGRAPH_HOST);
  logger.info({ url: `${url}/graphql` }, 'odoo subgraph listening');
});
