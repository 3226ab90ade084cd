// Assembles the whole system in one process: the two sandboxes with
// the seeded world, the two connectors, the three subgraphs and the gateway. Used by
// `npm start` (fixed ports) and by the end-to-end tests (port 0). In production
// each component runs alone from its own main.ts; this file is for development,
// demos and tests only — it is the one place production code and sandboxes meet.
import { composeSupergraph, readSupergraphConfig } from '../gateway/composition.ts';
import { createGatewayServer, type GatewayOptions } from '../gateway/server.ts';
import { StoreRateLimitCounter } from '../store/rate-limits.ts';
import { closeServer, listen } from '../core/http.ts';
import { createCallerVerifier, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET, DEV_ISSUER, signCallerToken } from '../core/identity.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../connectors/crm/hubspot/adapter.ts';
import { createCrmSubgraph } from '../subgraphs/crm/server.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';
import { createOdooSubgraph } from '../subgraphs/odoo/server.ts';
import { openStore, type SqliteStore } from '../store/database.ts';
import type { PostgresStore } from '../store/postgres.ts';
import { openJobQueue, type OpenedJobQueue } from '../store/job-queue.ts';
import type { RateLimitCounter } from '../store/rate-limits.ts';
import { createCacheInvalidation } from '../core/cache-invalidation.ts';
import { createWritesSubgraph } from '../subgraphs/writes/server.ts';
import type { CacheBacking } from '../core/cache.ts';
import type { CacheInvalidation } from '../core/cache-invalidation.ts';
import { createHubSpotSandbox, type HubSpotSandboxOptions } from '../sandboxes/hubspot/server.ts';
import { hubspotSandboxOptionsFromEnv } from '../sandboxes/hubspot/env.ts';
import { createOdooSandbox } from '../sandboxes/odoo/server.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';
import { JSON2_SINCE, type OdooVersion } from '../connectors/odoo/versions.ts';
import { buildWorld, SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS, type World } from '../sandboxes/seed/index.ts';

export interface StackOptions {
  /** Odoo transport the connector uses against the sandbox (default: JSON-2 when the sandbox's version has it, else JSON-RPC). */
  odooProtocol?: 'json2' | 'jsonrpc';
  /**
   * Odoo version the sandbox imitates (16–19). Default: ODOO_SANDBOX_VERSION (else 18);
   * asking for JSON-2 means Odoo 19, the only version that has it.
   */
  odooVersion?: OdooVersion;
  ports?: { gateway?: number; odooSubgraph?: number; crmSubgraph?: number; writesSubgraph?: number; odooSandbox?: number; hubspotSandbox?: number };
  /** SQLite file of idempotency keys, audit trail and exceptions (`:memory:` for a throwaway one). */
  storePath?: string;
  /**
   * Opens where the stack keeps its state, given `storePath`; default embeddedState.
   * The test harness passes its own (TEST_STORE=postgres: a fresh Postgres schema and Redis).
   */
  state?: (storePath: string) => Promise<StackState>;
  host?: string;
  world?: World;
  cacheTtlMs?: number;
  /** Where the read subgraphs cache master data (default: memory) and how the writes subgraph invalidates it (default: in this process). */
  cacheBacking?: CacheBacking;
  cacheInvalidation?: CacheInvalidation;
  production?: boolean;
  now?: () => Date;
  /** Backend calls one subgraph request may make (SUBGRAPH_BACKEND_CALL_BUDGET). */
  backendCallBudget?: number;
  /** Gateway edge settings (rate limits, string bounds); the rate-limit counters live in the stack's store. */
  gateway?: Pick<GatewayOptions, 'rateLimits' | 'stringLimits' | 'subgraphTimeoutMs' | 'cors'>;
  /** The HubSpot sandbox's portal limits and search delay (default: a real portal's, or HUBSPOT_SANDBOX_* from the environment). */
  hubspotSandbox?: Pick<HubSpotSandboxOptions, 'rateLimit' | 'searchDelayMs'>;
  /** Caller-token and gateway→subgraph keys; default: the embedded development ones (`npm start` in production passes its configured ones). */
  secrets?: { caller: string; internal: string };
  /** One logger for every component (tests read its lines); default: one per component at LOG_LEVEL. */
  logger?: Logger;
}

/** Where the stack keeps its state. */
export interface StackState {
  /** Idempotency keys, audit trail, exceptions, leases, rate-limit counters, cursors. */
  store: SqliteStore | PostgresStore;
  /** Sync jobs: the store's own queue on SQLite, pg-boss on Postgres (as production picks). */
  jobQueue: OpenedJobQueue;
  /** Redis for the master-data caches and the rate-limit counters; null: caches in memory, counters in the store. */
  shared: { backing: CacheBacking; counter: RateLimitCounter; close(): Promise<void> } | null;
}

/** The embedded default (`npm start`): the SQLite store at `storePath` with its own job queue, nothing shared. */
export async function embeddedState(storePath: string): Promise<StackState> {
  const store = openStore(storePath);
  return { store, jobQueue: await openJobQueue({}, { store }), shared: null };
}

export async function startStack(opts: StackOptions = {}) {
  const host = opts.host ?? '127.0.0.1';
  const ports = opts.ports ?? {};
  const world = opts.world ?? buildWorld();
  const logger = opts.logger ?? createLogger('stack');

  const odooSandbox = createOdooSandbox({ dataset: world.odoo, version: opts.odooVersion ?? (opts.odooProtocol === 'json2' ? JSON2_SINCE : undefined) });
  const hubspotSandbox = createHubSpotSandbox({ dataset: world.hubspot, ...hubspotSandboxOptionsFromEnv(), ...opts.hubspotSandbox });
  const odooSandboxUrl = await odooSandbox.listen(ports.odooSandbox ?? 0, host);
  const hubspotSandboxUrl = await hubspotSandbox.listen(ports.hubspotSandbox ?? 0, host);

  const odooConfig = loadOdooConfig({
    ODOO_URL: odooSandboxUrl,
    ODOO_DB: world.odoo.database,
    ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login,
    ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
    ODOO_PROTOCOL: opts.odooProtocol ?? protocolsOf(odooSandbox.version)[0]!,
    ODOO_MAX_RETRIES: '1',
    ODOO_TIMEOUT_MS: '5000',
  });
  const hubspotConfig = loadHubSpotConfig({
    HUBSPOT_BASE_URL: hubspotSandboxUrl,
    HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN,
    HUBSPOT_MAX_RETRIES: '1',
    HUBSPOT_TIMEOUT_MS: '5000',
    // The benches turn the connector's pacing off (they measure CPU, not a portal's 100 calls per 10 s).
    ...(process.env.HUBSPOT_PACING ? { HUBSPOT_PACING: process.env.HUBSPOT_PACING } : {}),
  });

  const internalSecret = opts.secrets?.internal ?? DEV_INTERNAL_SECRET;
  const callerSecret = opts.secrets?.caller ?? DEV_CALLER_SECRET;
  const { store, jobQueue, shared } = await (opts.state ?? embeddedState)(opts.storePath ?? ':memory:');
  const cacheBacking = opts.cacheBacking ?? shared?.backing;
  const cacheInvalidation = opts.cacheInvalidation ?? (shared ? createCacheInvalidation(shared.backing, opts.logger) : undefined);
  const odooSubgraph = await createOdooSubgraph({ client: createOdooClient(odooConfig), internalSecret, cacheTtlMs: opts.cacheTtlMs, cacheBacking, now: opts.now, backendCallBudget: opts.backendCallBudget, logger: opts.logger });
  const crmSubgraph = await createCrmSubgraph({ crm: createHubSpotCrm(createHubSpotClient(hubspotConfig)), internalSecret, cacheTtlMs: opts.cacheTtlMs, cacheBacking, backendCallBudget: opts.backendCallBudget, logger: opts.logger });
  const writesSubgraph = await createWritesSubgraph({
    odoo: createOdooClient(odooConfig), crm: createHubSpotCrm(createHubSpotClient(hubspotConfig)), store, jobs: jobQueue.queue, internalSecret, now: opts.now, logger: opts.logger, cacheInvalidation,
  });
  const odooSubgraphUrl = await listen(odooSubgraph.server, ports.odooSubgraph ?? 0, host);
  const crmSubgraphUrl = await listen(crmSubgraph.server, ports.crmSubgraph ?? 0, host);
  const writesSubgraphUrl = await listen(writesSubgraph.server, ports.writesSubgraph ?? 0, host);

  const { supergraphSdl } = composeSupergraph(readSupergraphConfig(), {
    odoo: `${odooSubgraphUrl}/graphql`,
    crm: `${crmSubgraphUrl}/graphql`,
    writes: `${writesSubgraphUrl}/graphql`,
  });
  const rateLimitCounter = shared?.counter ?? new StoreRateLimitCounter(store);
  const verifyCaller = createCallerVerifier({ mode: 'hs256', secret: callerSecret, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
  const gateway = await createGatewayServer({
    supergraphSdl, verifyCaller, internalSecret, production: opts.production, logger: opts.logger ?? createLogger('gateway'),
    rateLimitCounter, ...opts.gateway,
  });
  const gatewayUrl = await listen(gateway.server, ports.gateway ?? 0, host);

  return {
    world,
    /** A caller token for the embedded identity (what `npm run token` prints). */
    token: (claims: Parameters<typeof signCallerToken>[0], expiresIn?: string) =>
      signCallerToken(claims, callerSecret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, expiresIn }),
    urls: {
      gateway: `${gatewayUrl}/graphql`, odooSubgraph: `${odooSubgraphUrl}/graphql`, crmSubgraph: `${crmSubgraphUrl}/graphql`, writesSubgraph: `${writesSubgraphUrl}/graphql`,
      odooSandbox: odooSandboxUrl, hubspotSandbox: hubspotSandboxUrl,
    },
    odooSandbox,
    hubspotSandbox,
    odooSubgraph,
    crmSubgraph,
    writesSubgraph,
    store,
    /** Where the gateway counts rate limits: the store, or Redis in the configuration at scale. */
    rateLimitCounter,
    /** The sync job queue of this store (the writes subgraph queues replays there; a worker on the stack claims them). */
    jobQueue: jobQueue.queue,
    gateway,
    async close() {
      await Promise.allSettled([closeServer(gateway.server), gateway.stop()]);
      await Promise.allSettled([
        closeServer(odooSubgraph.server), closeServer(crmSubgraph.server), closeServer(writesSubgraph.server),
        odooSubgraph.stop(), crmSubgraph.stop(), writesSubgraph.stop(),
      ]);
      await jobQueue.close();
      await store.close();
      await shared?.close();
      await Promise.allSettled([odooSandbox.close(), hubspotSandbox.close()]);
      logger.debug('stack closed');
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
