// Starts the gateway alone (production deployment). It loads SUPERGRAPH_FILE
// (from `npm run compose`) or composes supergraph.yaml at start-up;
// GATEWAY_SUBGRAPH_<NAME>_URL overrides a subgraph's routing_url.
import { readFileSync } from 'node:fs';
import { listen } from '../core/http.ts';
import { createLogger } from '../core/logger.ts';
import { runMain } from '../core/main.ts';
import { exitGracefullyOnSignals } from '../core/shutdown.ts';
import { composeSupergraph, readSupergraphConfig } from './composition.ts';
import { callerVerifierOf, loadGatewayConfig } from './config.ts';
import { loadLimitsConfig } from './limits.ts';
import { createGatewayServer } from './server.ts';
import { loadRateLimitConfig } from './rate-limit.ts';
import { openStoreFromEnv } from '../store/database.ts';
import { StoreRateLimitCounter } from '../store/rate-limits.ts';
import { rateLimitCounterFromEnv } from '../store/redis-rate-limits.ts';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway');
  const overrides: Record<string, string> = {};
  if (config.GATEWAY_SUBGRAPH_ODOO_URL) overrides.odoo = config.GATEWAY_SUBGRAPH_ODOO_URL;
  if (config.GATEWAY_SUBGRAPH_CRM_URL) overrides.crm = config.GATEWAY_SUBGRAPH_CRM_URL;
  if (config.GATEWAY_SUBGRAPH_WRITES_URL) overrides.writes = config.GATEWAY_SUBGRAPH_WRITES_URL;
  const supergraphSdl = config.SUPERGRAPH_FILE && Object.keys(overrides).length === 0
    ? readFileSync(config.SUPERGRAPH_FILE, 'utf8')
    : composeSupergraph(readSupergraphConfig(), overrides).supergraphSdl;
  const verifyCaller = callerVerifierOf(config);
  // Rate-limit counters in the store (STORE_URL: Postgres, shared by every gateway; else STORE_PATH, those of this host).
  // The gateway's connection only counts: its commits need not wait for the disk (StoreDurability).
  const { store } = await openStoreFromEnv(process.env, { durability: 'process' });
  // With REDIS_URL the counters live in Redis instead (one round trip, self-expiring); a Redis
  // that cannot count refuses the request (STORE_UNAVAILABLE) as the store would: no silent unlimited mode.
  const redisLimits = rateLimitCounterFromEnv(process.env, logger);
  const gateway = await createGatewayServer({
    supergraphSdl, logger, verifyCaller, internalSecret: config.INTERNAL_TOKEN_SECRET, limits: loadLimitsConfig(), production: config.NODE_ENV === 'production', subgraphTimeoutMs: config.GATEWAY_SUBGRAPH_TIMEOUT_MS,
    rateLimits: loadRateLimitConfig(), rateLimitCounter: redisLimits?.counter ?? new StoreRateLimitCounter(store), cors: { origins: config.CORS_ORIGINS },
  });
  exitGracefullyOnSignals({ logger, servers: [gateway.server], close: [() => gateway.stop(), async () => { await redisLimits?.close(); }, () => store.close()] });
  const url = await listen(gateway.server, config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.info({ url: `${url}/graphql` }, 'gateway listening');
});
