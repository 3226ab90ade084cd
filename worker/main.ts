// Starts the worker alone (`npm run start:worker`): the sync engine polling Odoo
// (ODOO_*) and writing the CRM (CRM_SYSTEM and its settings, e.g. HUBSPOT_*), with
// its jobs, cursors, exceptions and audit trail in the same store (SQLite, or Postgres with STORE_URL) as the
// writes subgraph (STORE_PATH). WORKER_* settings: worker/config.ts.
import { listen } from '../core/http.ts';
import { createLogger } from '../core/logger.ts';
import { runMain } from '../core/main.ts';
import { openStoreFromEnv } from '../store/index.ts';
import { openJobQueue } from '../store/job-queue.ts';
import { createConfiguredCrm } from '../connectors/crm/select.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';
import { loadWorkerConfig } from './config.ts';
import { createWorker } from './server.ts';
import { cacheBackingFor } from '../core/cache.ts';
import { createCacheInvalidation } from '../core/cache-invalidation.ts';
import { loadRedisConfig } from '../core/redis.ts';

runMain('worker', async () => {
  const config = loadWorkerConfig();
  const { store, config: storeConfig } = await openStoreFromEnv();
  const logger = createLogger('worker');
  const cache = cacheBackingFor(loadRedisConfig(), logger, 'worker');
  const jobs = await openJobQueue(storeConfig, { store, maxAttempts: config.WORKER_MAX_ATTEMPTS, logger });
  const worker = createWorker({
    odoo: createOdooClient(loadOdooConfig()),
    crm: createConfiguredCrm(),
    store,
    queue: jobs.queue,
    only: config.WORKER_FLOWS,
    pollMs: config.WORKER_POLL_MS,
    tickMs: config.WORKER_TICK_MS,
    engine: {
      batchSize: config.WORKER_BATCH_SIZE, leaseMs: config.WORKER_LEASE_MS, maxAttempts: config.WORKER_MAX_ATTEMPTS,
      backoffBaseMs: config.WORKER_BACKOFF_BASE_MS, backoffMaxMs: config.WORKER_BACKOFF_MAX_MS, overlapMs: config.WORKER_OVERLAP_MS,
      jobTimeoutMs: config.WORKER_JOB_TIMEOUT_MS,
    },
    odooWebhookSecret: config.ODOO_WEBHOOK_SECRET,
    hubspotAppSecret: config.HUBSPOT_APP_SECRET,
    publicUrl: config.WORKER_PUBLIC_URL,
    idempotencyLeaseMs: storeConfig.IDEMPOTENCY_LEASE_MS,
    idempotencyWaitMs: storeConfig.IDEMPOTENCY_WAIT_MS,
    cacheInvalidation: createCacheInvalidation(cache.backing, logger),
    logger,
  });
  const url = await listen(worker.server, config.WORKER_PORT, config.WORKER_HOST);
  worker.start();
  logger.info({ url, flows: worker.flows.map((f) => f.name), store: store.kind }, 'worker running');
  const stop = async () => {
    await worker.stop();
    worker.server.close();
    await jobs.close();
    await cache.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
