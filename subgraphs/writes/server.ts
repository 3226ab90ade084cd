// The writes subgraph as a server, built without listening.
import { resolve } from 'node:path';
import { COMPONENTS } from '../../policy/components.ts';
import type { Identity } from '../../core/identity.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { AuditTrail, ExceptionQueue, IdempotencyStore, Leases, StoreJobQueue, type JobQueue, type Store } from '../../store/index.ts';
import { backendsReady, createSubgraphServer } from '../common/subgraph-server.ts';
import { countOpenExceptionsFrom } from '../../core/metrics.ts';
import type { CrmPort } from '../../connectors/crm/port.ts';
import { checkConfiguredCrm } from '../../connectors/crm/select.ts';
import type { OdooClient } from '../../connectors/odoo/odoo-client.ts';
import { apiUserCompanyIds } from '../../connectors/odoo/records.ts';
import { MasterDataCache } from '../../core/cache.ts';
import { IN_PROCESS_INVALIDATION, type CacheInvalidation } from '../../core/cache-invalidation.ts';
import { invalidatingWrites } from '../../connectors/odoo/master-data-cache.ts';
import type { WritesContext } from './context.ts';
import { auditRefusals } from './audit-refusals.ts';
import { resolvers } from './resolvers/index.ts';

export interface WritesSubgraphOptions {
  odoo: OdooClient;
  crm: CrmPort;
  store: Store;
  /** Where replays are queued: the worker's queue (openJobQueue); default the store's own. */
  jobs?: JobQueue;
  internalSecret: string;
  /** Odoo companies writes may touch; default: every company of the integration user. */
  companyIds?: number[];
  idempotencyLeaseMs?: number;
  /** How long a call waits for another live attempt on its key or quote before answering IN_PROGRESS. */
  idempotencyWaitMs?: number;
  /** How long finished keys are remembered; expired ones are purged at start and hourly. */
  idempotencyTtlHours?: number;
  logger?: Logger;
  /** How its Odoo writes reach the read subgraphs' caches (default: caches in this process only). */
  cacheInvalidation?: CacheInvalidation;
  /** "Today" for business rules (lead times, quote validity); injectable so the demo world's dates hold in tests. */
  now?: () => Date;
}

export async function createWritesSubgraph(opts: WritesSubgraphOptions) {
  checkConfiguredCrm(opts.crm);
  const logger = opts.logger ?? createLogger('writes-subgraph');
  const now = opts.now ?? (() => new Date());
  // Every Odoo write of a mutation drops the cached entries of the master data it changed.
  const odoo = invalidatingWrites(opts.odoo, opts.cacheInvalidation ?? IN_PROCESS_INVALIDATION);
  // Leases, expiry and audit timestamps always run on the wall clock.
  const idempotency = new IdempotencyStore(opts.store, { leaseMs: opts.idempotencyLeaseMs, waitMs: opts.idempotencyWaitMs, ttlHours: opts.idempotencyTtlHours });
  await idempotency.purgeExpired();
  const purge = setInterval(() => {
    // A vanished store refuses the purge too; an uncaught throw here would end the process, and a restart would open an empty store.
    idempotency.purgeExpired().catch((e: unknown) => {
      logger.error({ err: e, details: (e as { details?: unknown }).details }, 'purging expired idempotency keys failed');
    });
  }, 3_600_000);
  purge.unref();
  const audit = new AuditTrail(opts.store);
  const exceptions = new ExceptionQueue(opts.store);
  const jobs = opts.jobs ?? new StoreJobQueue(opts.store);
  const uncount = countOpenExceptionsFrom(() => exceptions.openCounts());
  const leases = new Leases(opts.store, { leaseMs: idempotency.leaseMs, waitMs: idempotency.waitMs });
  let configured = opts.companyIds;
  const companiesFor = async (identity: Identity, requestId: string): Promise<number[]> => {
    if (!configured) {
      configured = await apiUserCompanyIds(opts.odoo, new MasterDataCache({ namespace: 'w', ttlMs: 0 }), requestId);
    }
    // May be empty: such a caller can still read the audit trail; a write needing a company is refused.
    return identity.companyIds ? configured.filter((c) => identity.companyIds!.includes(c)) : configured;
  };
  const sub = await createSubgraphServer<WritesContext>({
    system: COMPONENTS.integration.system,
    name: COMPONENTS.integration.subgraph,
    internalSecret: opts.internalSecret,
    schemaFile: resolve(import.meta.dirname, 'schema.graphql'),
    resolvers,
    logger,
    plugins: [auditRefusals(audit, logger)],
    // Not ready while the store file is not the one open: writes are refused (STORE_UNAVAILABLE) until it is back.
    // Writes also need both systems of record to answer (a cheap read each, within READY_TIMEOUT_MS).
    ready: async () => {
      const { reason, ...store } = await opts.store.health();
      if (reason) logger.warn({ reason }, 'store unavailable: not ready');
      const backends = await backendsReady({
        [COMPONENTS.odoo.system]: (deadline) => opts.odoo.forRequest(deadline).searchCount('res.company', []),
        [opts.crm.system]: (deadline) => opts.crm.forRequest(deadline).count('account', { limit: 1 }),
      });
      return { ready: store.ready && backends.ready, store, backends: backends.backends };
    },
    context: async (identity, requestId, deadline) => ({
      requestId, identity, odoo: odoo.forRequest(deadline), crm: opts.crm.forRequest(deadline), idempotency, audit, exceptions, jobs, leases, now,
      companyIds: await companiesFor(identity, requestId),
    }),
  });
  return {
    ...sub,
    idempotency, audit, exceptions,
    stop: async () => {
      clearInterval(purge);
      uncount();
      await sub.stop();
    },
  };
}
