// The CRM subgraph as a server, built without listening. It speaks to the CRM only
// through the port; which CRM that is, the caller (main.ts, scripts/stack.ts) decides.
import { resolve } from 'node:path';
import { MasterDataCache, type CacheBacking } from '../../core/cache.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { COMPONENTS } from '../../policy/components.ts';
import { createCallBudget, DEFAULT_BACKEND_CALL_BUDGET } from '../../core/call-budget.ts';
import { backendsReady, createSubgraphServer } from '../common/subgraph-server.ts';
import type { CrmPort } from '../../connectors/crm/port.ts';
import { checkConfiguredCrm } from '../../connectors/crm/select.ts';
import { createCrmLoaders, CRM_MASTER_DATA_CACHE, type CrmSubgraphContext } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { rowScopeFor } from './row-scope.ts';

export interface CrmSubgraphOptions {
  crm: CrmPort;
  /** Key shared with the gateway only; the gateway's credential is checked with it. */
  internalSecret: string;
  cacheTtlMs?: number;
  /** Where cached master data lives: this process's memory (default) or the Redis all replicas share. */
  cacheBacking?: CacheBacking;
  /** Backend calls one request may make (SUBGRAPH_BACKEND_CALL_BUDGET); default DEFAULT_BACKEND_CALL_BUDGET. */
  backendCallBudget?: number;
  logger?: Logger;
}

export async function createCrmSubgraph(opts: CrmSubgraphOptions) {
  checkConfiguredCrm(opts.crm);
  const logger = opts.logger ?? createLogger('crm-subgraph');
  const cache = new MasterDataCache({ ...CRM_MASTER_DATA_CACHE, ttlMs: opts.cacheTtlMs ?? 300_000, backing: opts.cacheBacking, logger });
  const sub = await createSubgraphServer<CrmSubgraphContext>({
    system: opts.crm.system,
    name: COMPONENTS.crm.subgraph,
    internalSecret: opts.internalSecret,
    schemaFile: resolve(import.meta.dirname, 'schema.graphql'),
    resolvers,
    logger,
    context: async (identity, requestId, deadline) => {
      const crm = opts.crm.forRequest(deadline);
      const budget = createCallBudget(opts.backendCallBudget ?? DEFAULT_BACKEND_CALL_BUDGET);
      const session = { crm, cache, requestId, scope: rowScopeFor(identity, crm, requestId), budget };
      return { requestId, identity, session, loaders: createCrmLoaders(session) };
    },
    // Ready when the CRM answers a count in time.
    ready: () => backendsReady({ [opts.crm.system]: (deadline) => opts.crm.forRequest(deadline).count('account', { limit: 1 }) }),
  });
  return { ...sub, cache };
}
