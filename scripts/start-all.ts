// `npm start`: the whole system on its embedded defaults — Odoo and HubSpot
// sandboxes with the seeded manufacturing world, the three subgraphs, the gateway,
// the sync worker — then prints the URLs, one development token per role and
// ready-to-paste examples.
import { runMain } from '../core/main.ts';
import { createLogger } from '../core/logger.ts';
import { drainAndClose, exitGracefullyOnSignals } from '../core/shutdown.ts';
import { AppError } from '../policy/errors.ts';
import { listen, parseCorsOrigins } from '../core/http.ts';
import { loadGatewayConfig } from '../gateway/config.ts';
import { loadSubgraphServiceConfig } from '../subgraphs/common/service-config.ts';
import { demoTokens, explainPortInUse, explainPortTaken, startBanner, startPortsFromEnv } from './start-banner.ts';
import { startStack } from './stack.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';
import { lockConfirmedSalesRequested } from '../sandboxes/odoo/compute/lock.ts';
import { buildWorld, DEFAULT_NOW, SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';
import { createConfiguredCrm } from '../connectors/crm/select.ts';
import { loadWorkerConfig } from '../worker/config.ts';
import { createWorker } from '../worker/server.ts';
import { cacheBackingFor } from '../core/cache.ts';
import { createCacheInvalidation } from '../core/cache-invalidation.ts';
import { loadRedisConfig } from '../core/redis.ts';

runMain('start', async () => {
  // NODE_ENV=production means what it means for the components started alone: the same
  // configuration checks (the public development secrets are refused, naming the variable),
  // no introspection, and the operator's own keys.
  const production = process.env.NODE_ENV === 'production';
  const gatewayConfig = production ? loadGatewayConfig() : undefined;
  if (production) loadSubgraphServiceConfig();
  if (gatewayConfig && gatewayConfig.AUTH_MODE !== 'hs256') {
    throw new AppError('CONFIG_INVALID', 'AUTH_MODE: npm start verifies callers with AUTH_JWT_SECRET only (hs256); start the gateway alone (npm run start:gateway) for jwks');
  }
  const secrets = gatewayConfig ? { caller: gatewayConfig.AUTH_JWT_SECRET, internal: gatewayConfig.INTERNAL_TOKEN_SECRET } : undefined;
  const workerConfig = loadWorkerConfig({ WORKER_POLL_MS: '10000', ...process.env });
  // The demo world is one fixed, seeded day (its numbers are what the README shows);
  // business rules (quote validity, lead times) run on that day unless DEMO_CLOCK=wall.
  const world = buildWorld();
  const ports = startPortsFromEnv();
  // REDIS_URL set: the caches live there (as for separately started replicas); unset: in memory.
  const cache = cacheBackingFor(loadRedisConfig(), createLogger('cache'), 'start');
  const cacheInvalidation = createCacheInvalidation(cache.backing);
  const stack = await startStack({
    world,
    now: process.env.DEMO_CLOCK === 'wall' ? undefined : () => new Date(DEFAULT_NOW),
    // Unset: what the sandbox's Odoo version speaks (JSON-2 on 19, JSON-RPC before).
    odooProtocol: process.env.ODOO_PROTOCOL === 'jsonrpc' || process.env.ODOO_PROTOCOL === 'json2' ? process.env.ODOO_PROTOCOL : undefined,
    cacheTtlMs: process.env.CACHE_TTL_MS ? Number(process.env.CACHE_TTL_MS) : undefined,
    cacheBacking: cache.backing,
    cacheInvalidation,
    // The sandboxes are reseeded at every start, so by default the store is too (in memory):
    // keys and audit entries about records that no longer exist would only mislead.
    storePath: process.env.STORE_PATH ?? ':memory:',
    production,
    secrets,
    gateway: { cors: { origins: parseCorsOrigins(process.env.CORS_ORIGINS) } },
    ports,
  }).catch((e: unknown) => {
    throw explainPortInUse(e, ports) ?? e;
  });
  if (lockConfirmedSalesRequested(process.env)) stack.odooSandbox.store.setLockConfirmedSales(true);
  // The sync worker (docs/sync.md) over the same store, pointed at the sandboxes.
  const backends = {
    ...process.env,
    ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
    // The transport the subgraphs use: the one the imitated Odoo version answers on.
    ODOO_PROTOCOL: process.env.ODOO_PROTOCOL ?? protocolsOf(stack.odooSandbox.version)[0]!,
    HUBSPOT_BASE_URL: stack.urls.hubspotSandbox, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN,
  };
  const worker = createWorker({
    odoo: createOdooClient(loadOdooConfig(backends)), crm: createConfiguredCrm(backends), store: stack.store, only: workerConfig.WORKER_FLOWS,
    pollMs: workerConfig.WORKER_POLL_MS, tickMs: workerConfig.WORKER_TICK_MS, odooWebhookSecret: workerConfig.ODOO_WEBHOOK_SECRET,
    hubspotAppSecret: workerConfig.HUBSPOT_APP_SECRET, publicUrl: workerConfig.WORKER_PUBLIC_URL, logger: createLogger('worker'), cacheInvalidation,
  });
  const workerUrl = await listen(worker.server, workerConfig.WORKER_PORT, workerConfig.WORKER_HOST).catch(async (e: unknown) => {
    await stack.close();
    throw explainPortTaken(e, workerConfig.WORKER_PORT, 'WORKER_PORT') ?? e;
  });
  worker.start();
  const tokens = await demoTokens(stack.world);
  console.log(startBanner({ urls: { ...stack.urls, worker: workerUrl }, world: stack.world, storePath: stack.store.kind === 'sqlite' ? stack.store.path : `postgres schema ${stack.store.schema}`, tokens }));
  // Ctrl-C / SIGTERM: requests in flight finish (gateway first, then what it calls), the
  // worker settles its jobs, then everything closes.
  const logger = createLogger('start');
  exitGracefullyOnSignals({
    logger,
    servers: [stack.gateway.server],
    close: [
      () => worker.stop(),
      () => drainAndClose({ logger, servers: [stack.odooSubgraph.server, stack.crmSubgraph.server, stack.writesSubgraph.server, worker.server] }),
      () => stack.close(),
      () => cache.close(),
    ],
  });
});
