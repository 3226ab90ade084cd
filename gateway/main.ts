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
import { SqliteRateLimitCounter } from '../store/rate-limits.ts';

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
  // Rate-limit counters in the embedded store (STORE_PATH), shared by the gateways of this host.
  const { store } = openStoreFromEnv();
  const gateway = await createGatewayServer({
    supergraphSdl, logger, verifyCaller, internalSecret: config.INTERNAL_TOKEN_SECRET, limits: loadLimitsConfig(), production: config.NODE_ENV === 'production', subgraphTimeoutMs: config.GATEWAY_SUBGRAPH_TIMEOUT_MS,
    rateLimits: loadRateLimitConfig(), rateLimitCounter: new SqliteRateLimitCounter(store), cors: { origins: config.CORS_ORIGINS },
  });
  exitGracefullyOnSignals({ logger, servers: [gateway.server], close: [() => gateway.stop(), () => store.close()] });
  const url = await listen(gateway.server, config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.info({ url: `${url}/graphql` }, 'gateway listening');
});
