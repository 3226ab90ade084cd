// The CRM (HubSpot) subgraph as a server, built without listening.
import { resolve } from 'node:path';
import { MasterDataCache } from '../../core/cache.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { createSubgraphServer } from '../common/subgraph-server.ts';
import type { HubSpotClient } from '../../connectors/crm/hubspot/hubspot-client.ts';
import { createCrmLoaders, type CrmSubgraphContext } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { rowScopeFor } from './row-scope.ts';

export interface CrmSubgraphOptions {
  client: HubSpotClient;
  /** Key shared with the gateway only; the gateway's credential is checked with it. */
  internalSecret: string;
  cacheTtlMs?: number;
  logger?: Logger;
}

export async function createCrmSubgraph(opts: CrmSubgraphOptions) {
  const logger = opts.logger ?? createLogger('crm-subgraph');
  const cache = new MasterDataCache({ namespace: 'crm', ttlMs: opts.cacheTtlMs ?? 300_000 });
  const sub = await createSubgraphServer<CrmSubgraphContext>({
    system: 'hubspot',
    name: 'crm',
    internalSecret: opts.internalSecret,
    schemaFile: resolve(import.meta.dirname, 'schema.graphql'),
    resolvers,
    logger,
    context: async (identity, requestId) => {
      const session = { client: opts.client, cache, requestId, scope: rowScopeFor(identity, opts.client, requestId) };
      return { requestId, identity, session, loaders: createCrmLoaders(session) };
    },
  });
  return { ...sub, cache };
}
