// The Odoo subgraph as a server, built without listening. `main.ts` listens;
// tests listen on port 0.
import { resolve } from 'node:path';
import { MasterDataCache, type CacheBacking } from '../../core/cache.ts';
import { ODOO_MASTER_DATA_CACHE } from '../../connectors/odoo/master-data-cache.ts';
import { appError } from '../../policy/errors.ts';
import { COMPONENTS } from '../../policy/components.ts';
import type { Identity } from '../../core/identity.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { createCallBudget, DEFAULT_BACKEND_CALL_BUDGET } from '../../core/call-budget.ts';
import { backendsReady, createSubgraphServer } from '../common/subgraph-server.ts';
import type { OdooClient } from '../../connectors/odoo/odoo-client.ts';
import type { OdooSubgraphContext } from './context.ts';
import { apiUserCompanyIds, callOptions, UNRESTRICTED, type OdooSession } from '../../connectors/odoo/records.ts';
import { createOdooLoaders } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { rowScopeFor } from './row-scope.ts';

export interface OdooSubgraphOptions {
  client: OdooClient;
  /** Key shared with the gateway only; the gateway's credential is checked with it. */
  internalSecret: string;
  /** Companies the subgraph reads in; default: every company the Odoo user may see. */
  companyIds?: number[];
  cacheTtlMs?: number;
  /** Where cached master data lives: this process's memory (default) or the Redis all replicas share. */
  cacheBacking?: CacheBacking;
  logger?: Logger;
  now?: () => Date;
  /** Backend calls one request may make (SUBGRAPH_BACKEND_CALL_BUDGET); default DEFAULT_BACKEND_CALL_BUDGET. */
  backendCallBudget?: number;
}

const { system, subgraph } = COMPONENTS.odoo;

export async function createOdooSubgraph(opts: OdooSubgraphOptions) {
  const logger = opts.logger ?? createLogger('odoo-subgraph');
  const cache = new MasterDataCache({ ...ODOO_MASTER_DATA_CACHE, ttlMs: opts.cacheTtlMs ?? 300_000, backing: opts.cacheBacking, logger });
  let configured = opts.companyIds;
  const integrationCompanies = async (requestId: string): Promise<number[]> => {
    if (!configured) {
      configured = await apiUserCompanyIds(opts.client, cache, requestId);
    }
    return configured;
  };
  /** A caller reads only the companies its token names, within those of the integration user. */
  const companiesFor = async (identity: Identity, requestId: string): Promise<number[]> => {
    const all = await integrationCompanies(requestId);
    if (!identity.companyIds) return all;
    const allowed = all.filter((c) => identity.companyIds!.includes(c));
    if (allowed.length === 0) throw appError('FORBIDDEN', 'The caller may not see any Odoo company', { system });
    return allowed;
  };
  const sub = await createSubgraphServer<OdooSubgraphContext>({
    system,
    name: subgraph,
    internalSecret: opts.internalSecret,
    schemaFile: resolve(import.meta.dirname, 'schema.graphql'),
    resolvers,
    logger,
    context: async (identity, requestId, deadline) => {
      const client = opts.client.forRequest(deadline);
      const budget = createCallBudget(opts.backendCallBudget ?? DEFAULT_BACKEND_CALL_BUDGET);
      const session: OdooSession = { client, cache, companyIds: await companiesFor(identity, requestId), requestId, scope: UNRESTRICTED, budget };
      const loaders = createOdooLoaders(session);
      session.scope = rowScopeFor(identity, client, () => callOptions(session), loaders.primePartnerRef);
      return { requestId, identity, session, loaders, now: opts.now ?? (() => new Date()) };
    },
    health: async () => ({ protocol: opts.client.protocol }),
    // Ready when Odoo answers a one-row count in time.
    ready: () => backendsReady({ [system]: (deadline) => opts.client.forRequest(deadline).searchCount('res.company', []) }),
  });
  return { ...sub, cache };
}
