// The gateway: Apollo Gateway on a composed supergraph, served on /graphql with
// /health, built without listening. It forwards the request id to every subgraph
// and names the system when a subgraph cannot be reached.
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { COMPONENTS, SYSTEM_OF_SUBGRAPH, type SystemName } from '../policy/components.ts';
import { ERRORS } from '../policy/errors.ts';
import { createGraphQLHttpServer, REQUEST_ID_HEADER, sendJson } from '../core/http.ts';
import { createQueryLimits, loadLimitsConfig, type QueryLimits } from './limits.ts';
import { IDENTITY_HEADER, signInternalToken, type Identity } from '../core/identity.ts';
import { createLogger, type Logger } from '../core/logger.ts';

export interface GatewayContext {
  requestId: string;
  identity: Identity;
}

/** Which system of record each subgraph fronts (names in supergraph.yaml), from policy/components.ts. */
export const SUBGRAPH_SYSTEMS: Readonly<Record<string, SystemName>> = SYSTEM_OF_SUBGRAPH;
/** Named when the gateway cannot tell which subgraph failed. */
const GATEWAY_SYSTEM: SystemName = COMPONENTS.integration.system;

class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraphName: string, url: string, private readonly timeoutMs: number, private readonly internalSecret: string) {
    super({ url });
  }

  /** Forwards the request id, and the verified identity as a credential only this subgraph accepts. */
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!('identity' in context) || !context.identity) return; // no identity, no credential: the subgraph refuses
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    request.http?.headers.set(IDENTITY_HEADER, await signInternalToken(context.identity, this.subgraphName, this.internalSecret, context.requestId));
  }

  /**
   * A subgraph that refuses a request (4xx: bad variables, auth) answers with
   * GraphQL errors: pass the first one on with its code, not the raw response.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const body = (await this.parseBody(response).catch(() => null)) as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> } | null;
    const first = body?.errors?.[0];
    const code = first?.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      return new GraphQLError(first!.message ?? code, { extensions: { ...first!.extensions, system: first!.extensions?.system ?? SUBGRAPH_SYSTEMS[this.subgraphName], serviceName: this.subgraphName } });
    }
    return new GraphQLError(`The ${SUBGRAPH_SYSTEMS[this.subgraphName] ?? this.subgraphName} subgraph answered HTTP ${response.status}`, {
      extensions: { code: ERRORS.SUBGRAPH_UNAVAILABLE.code, system: SUBGRAPH_SYSTEMS[this.subgraphName] ?? GATEWAY_SYSTEM, serviceName: this.subgraphName },
    });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    try {
      return await super.process(options);
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions?.code && e.extensions.code !== 'INTERNAL_SERVER_ERROR') throw e;
      const system = SUBGRAPH_SYSTEMS[this.subgraphName] ?? GATEWAY_SYSTEM;
      throw new GraphQLError(`The ${system} subgraph is unavailable`, {
        extensions: { code: ERRORS.SUBGRAPH_UNAVAILABLE.code, system, serviceName: this.subgraphName },
      });
    }
  }

  override fetcher = ((input: string, init: Record<string, unknown>) =>
    fetch(input, { ...(init as RequestInit), signal: AbortSignal.timeout(this.timeoutMs) })) as never;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Verifies the caller's Authorization header (see core/identity.ts). */
  verifyCaller: (authorization: string | undefined) => Promise<Identity>;
  internalSecret: string;
  logger?: Logger;
  production?: boolean;
  subgraphTimeoutMs?: number;
  /** Query limits; defaults to loadLimitsConfig(process.env). */
  limits?: QueryLimits;
}

/**
 * GraphQL's own variable errors name the field only in prose; a client (a HubSpot
 * card highlighting a form field) needs it as data, like our own BAD_USER_INPUT.
 */
export function fieldOfVariableError(message: string): string | undefined {
  const at = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)"/.exec(message);
  if (at) return at[2];
  const unknown = /^Variable "\$(\w+)" got invalid value .*?; Field "(\w+)" is not defined by type/.exec(message);
  if (unknown) return `${unknown[1]}.${unknown[2]}`;
  const required = /^Variable "\$(\w+)" got invalid value .*?; Field "(\w+)" of required type/.exec(message);
  if (required) return `${required[1]}.${required[2]}`;
  const whole = /^Variable "\$(\w+)"/.exec(message);
  return whole?.[1];
}

/** Errors leave with their code and system; stack traces and internals never do. */
function formatGatewayError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // `response` would carry a subgraph's raw HTTP answer; it never leaves the gateway.
    const { stacktrace: _s, exception: _e, response: _r, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    if (!extensions.code || extensions.code === 'INTERNAL_SERVER_ERROR') {
      if (!extensions.serviceName) logger.error({ err: error, path: formatted.path }, 'gateway error');
      return { message: extensions.serviceName ? formatted.message : 'Internal error', path: formatted.path, locations: formatted.locations, extensions: { ...extensions, code: 'INTERNAL_SERVER_ERROR' } };
    }
    if (extensions.code === 'BAD_USER_INPUT' && !extensions.field) {
      const field = fieldOfVariableError(formatted.message);
      if (field) extensions.field = field;
    }
    return { ...formatted, extensions };
  };
}

export async function createGatewayServer(opts: GatewayOptions): Promise<{ server: http.Server; apollo: ApolloServer<GatewayContext>; stop: () => Promise<void> }> {
  const logger = opts.logger ?? createLogger('gateway');
  const production = opts.production ?? false;
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(name, url!, opts.subgraphTimeoutMs ?? 14_000, opts.internalSecret),
    logger: { debug: () => {}, info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  const limits = createQueryLimits<GatewayContext>(opts.limits ?? loadLimitsConfig(), { production });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [...limits.plugins],
    formatError: formatGatewayError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    csrfPrevention: true,
  });
  await apollo.start();
  const server = createGraphQLHttpServer<GatewayContext>({
    apollo,
    logger,
    // No valid token, no GraphQL: a 401 before any parsing, planning or subgraph call.
    context: async (req, requestId) => ({ requestId, identity: await opts.verifyCaller(req.headers.authorization) }),
    routes: (req, res) => {
      if (req.url !== '/health') return false;
      sendJson(res, 200, { status: 'ok', component: 'gateway' });
      return true;
    },
  });
  return { server, apollo, stop: () => apollo.stop() };
}
