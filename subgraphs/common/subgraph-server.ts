// What both subgraphs share when they become a server: schema-first federation
// schema, registry-coded errors with the name of the system of record, no stack
// traces outside development, /health, and the node:http integration.
import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLFormattedError } from 'graphql';
import { parse } from 'graphql';
import { isAppError, toGraphQLError, type SystemName } from '../../policy/errors.ts';
import { createGraphQLHttpServer, sendJson } from '../../core/http.ts';
import { IDENTITY_HEADER, verifyInternalToken, type Identity } from '../../core/identity.ts';
import type { Logger } from '../../core/logger.ts';
import { applyPermissions } from './shield.ts';

export function isDevelopment(): boolean {
  return (process.env.NODE_ENV ?? 'development') === 'development';
}

/**
 * Every error leaves with a registered code. Backend errors keep their system
 * name; unexpected ones are logged here with the request id and leave as a bare
 * INTERNAL_SERVER_ERROR so nothing internal (stack, SQL, tokens) reaches a client.
 */
export function formatErrorFor(system: SystemName, logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isAppError(original)) {
      const gql = toGraphQLError(original);
      return { message: gql.message, locations: formatted.locations, path: formatted.path, extensions: { system, ...gql.extensions } };
    }
    const code = formatted.extensions?.code;
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _s, ...rest } = formatted.extensions ?? {};
      return { ...formatted, extensions: { system, ...rest } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
    return { message: 'Internal error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', system } };
  };
}

export interface SubgraphServerOptions<TContext extends BaseContext> {
  system: SystemName;
  /** The subgraph's name in supergraph.yaml: the audience of the gateway's credential. */
  name: string;
  /** Key shared with the gateway only. */
  internalSecret: string;
  schemaFile: string;
  resolvers: unknown;
  logger: Logger;
  context: (identity: Identity, requestId: string) => Promise<TContext>;
  /** Extra checks for /health (e.g. the backend answers). */
  health?: () => Promise<Record<string, unknown>>;
  plugins?: ApolloServerPlugin<TContext>[];
}

export async function createSubgraphServer<TContext extends BaseContext>(opts: SubgraphServerOptions<TContext>) {
  const typeDefs = parse(readFileSync(opts.schemaFile, 'utf8'));
  const apollo = new ApolloServer<TContext>({
    schema: applyPermissions(buildSubgraphSchema({ typeDefs, resolvers: opts.resolvers as never })),
    formatError: formatErrorFor(opts.system, opts.logger),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Federated traces go to Apollo's cloud; nothing here reports there.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...(opts.plugins ?? [])],
  });
  await apollo.start();
  const server = createGraphQLHttpServer<TContext>({
    apollo,
    logger: opts.logger,
    // Nothing runs for a caller that is not the gateway: no identity, no context, no backend call.
    context: async (req, requestId) => {
      const header = req.headers[IDENTITY_HEADER];
      const identity = await verifyInternalToken(typeof header === 'string' ? header : undefined, opts.name, opts.internalSecret);
      return opts.context(identity, requestId);
    },
    routes: async (req, res) => {
      if (req.url !== '/health') return false;
      sendJson(res, 200, { status: 'ok', component: `${opts.system}-subgraph`, ...(opts.health ? await opts.health() : {}) });
      return true;
    },
  });
  return { apollo, server, stop: () => apollo.stop() };
}
