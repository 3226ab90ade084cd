// Starts the writes subgraph alone (production deployment): it talks to both
// systems of record (ODOO_*; CRM_SYSTEM and its settings, e.g. HUBSPOT_*) and keeps idempotency keys, the audit
// trail and exceptions in SQLite (STORE_PATH).
import { listen } from '../../core/http.ts';
import { createLogger } from '../../core/logger.ts';
import { runMain } from '../../core/main.ts';
import { exitGracefullyOnSignals } from '../../core/shutdown.ts';
import { useBackendLogger } from '../../connectors/shared/backend-telemetry.ts';
import { loadSubgraphServiceConfig } from '../common/service-config.ts';
import { openStoreFromEnv } from '../../store/index.ts';
import { openJobQueue } from '../../store/job-queue.ts';
import { createConfiguredCrm } from '../../connectors/crm/select.ts';
import { loadOdooConfig } from '../../connectors/odoo/config.ts';
import { createOdooClient } from '../../connectors/odoo/odoo-client.ts';
import { createWritesSubgraph } from './server.ts';
import { cacheBackingFor } from '../../core/cache.ts';
import { createCacheInvalidation } from '../../core/cache-invalidation.ts';
import { loadRedisConfig } from '../../core/redis.ts';

runMain('writes-subgraph', async () => {
  const service = loadSubgraphServiceConfig();
  const { store, config } = await openStoreFromEnv();
  const logger = createLogger('writes-subgraph');
  // Backend failure and retry lines carry this component's name.
  useBackendLogger(logger);
  const odoo = createOdooClient(loadOdooConfig());
  // The read subgraphs' caches its Odoo writes invalidate: the shared Redis when configured.
  const cache = cacheBackingFor(loadRedisConfig(), logger, 'writes-subgraph');
  const jobs = await openJobQueue(config, { store, logger });
  const sub = await createWritesSubgraph({
    odoo,
    crm: createConfiguredCrm(),
    store,
    jobs: jobs.queue,
    internalSecret: service.INTERNAL_TOKEN_SECRET,
    companyIds: service.ODOO_COMPANY_IDS,
    idempotencyLeaseMs: config.IDEMPOTENCY_LEASE_MS,
    idempotencyWaitMs: config.IDEMPOTENCY_WAIT_MS,
    idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS,
    cacheInvalidation: createCacheInvalidation(cache.backing, logger),
    logger,
  });
  // The store closes last: a write finishing during the drain still records its key and audit entry.
  exitGracefullyOnSignals({ logger, servers: [sub.server], close: [() => sub.stop(), () => odoo.close(), () => jobs.close(), () => cache.close(), () => store.close()] });
  const url = await listen(sub.server, service.WRITES_SUBGRAPH_PORT, service.SUBGRAPH_HOST);
  logger.info({ url: `${url}/graphql`, store: store.kind }, 'writes subgraph listening');
});
