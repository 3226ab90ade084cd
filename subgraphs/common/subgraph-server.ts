// What both subgraphs share when they become a server: schema-first federation
// schema, registry-coded errors with the name of the system of record, no stack
// traces outside development, /health, and the node:http integration.
import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLFormattedError } from 'graphql';
import { parse } from 'graphql';
import { isAppError, toGraphQLError, type SystemName } from '../../policy/errors.ts';
import { errorKeyOf, toCallerError } from '../../policy/caller-errors.ts';
import { createGraphQLHttpServer, requestRecordPlugin, sendJson } from '../../core/http.ts';
import { currentRequest, redactCallerValues } from '../../core/logger.ts';
import { IDENTITY_HEADER, verifyInternalToken, type Identity } from '../../core/identity.ts';
import { budgetFromHeader, DEADLINE_HEADER, MAX_REQUEST_BUDGET_MS, RequestDeadline, type Deadline } from '../../core/deadline.ts';
import type { Logger } from '../../core/logger.ts';
import { applyPermissions, MASKED_FIELDS, maskedFieldsOf } from './shield.ts';

export function isDevelopment(): boolean {
  return (process.env.NODE_ENV ?? 'development') === 'development';
}

/**
 * Every error leaves with a registered code and the system name, in the caller's
 * view (policy/caller-errors.ts): the backend's text and diagnostic extensions
 * stay here, in the log line errorLogPlugin writes under the request id.
 */
export function formatErrorFor(system: SystemName) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isAppError(original)) {
      const gql = toGraphQLError(original);
      return toCallerError({ message: gql.message, locations: formatted.locations, path: formatted.path, extensions: { system, ...gql.extensions } });
    }
    return toCallerError({ ...formatted, extensions: { system, ...formatted.extensions } });
  };
}

/**
 * Logs every error of a request with its request id and everything the caller
 * does not see: the backend's own message, model, method, exception class,
 * attempts, correlation id. Unexpected errors (bugs) at error level.
 */
function errorLogPlugin<TContext extends BaseContext>(system: SystemName, logger: Logger): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          // Every subgraph context carries the request id (Apollo clones the context object, so it is read, not looked up).
          const requestId = (contextValue as { requestId?: unknown }).requestId;
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (isAppError(original)) {
              // Backend and server-side failures are for an operator; the rest are the caller's own mistakes or refusals.
              const level = original.key.startsWith('BACKEND_') || original.httpStatus >= 500 ? 'warn' : 'info';
              logger[level]({ requestId, system, code: original.code, path: error.path, backendMessage: original.message, details: original.details }, 'request error');
            } else if (errorKeyOf(error.extensions?.code) && error.extensions?.code !== 'INTERNAL_SERVER_ERROR') {
              logger.info({ requestId, system, code: error.extensions?.code, path: error.path, message: redactCallerValues(error.message), extensions: error.extensions }, 'request error');
            } else {
              logger.error({ requestId, system, err: original, path: error.path }, 'unexpected resolver error');
            }
          }
        },
      };
    },
  };
}

/** Where a request's deadline rides on its context (a symbol: Apollo's shallow copies of the context keep it). */
const DEADLINE = Symbol('request deadline');

/** The request is answered: its deadline has nothing left to cancel, and the fields it withheld are listed once. */
function deadlinePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          (contextValue as { [DEADLINE]?: RequestDeadline })[DEADLINE]?.dispose();
          // Withheld fields, once per response (shield.ts); the gateway merges the subgraphs' lists.
          const masked = maskedFieldsOf(contextValue);
          if (masked.length && response.body.kind === 'single') response.body.singleResult.extensions = { ...response.body.singleResult.extensions, masked };
        },
      };
    },
  };
}

/** How long /ready waits for a backend: a probe's own timeout is usually a few seconds. */
export const READY_TIMEOUT_MS = 2_000;

/**
 * Readiness of the backends a subgraph needs: each probe (one cheap read) must
 * answer within READY_TIMEOUT_MS. An open circuit breaker answers at once, so an
 * outage makes the instance unready without a wait. The answer names the code, never the backend's text.
 */
export async function backendsReady(probes: Record<string, (deadline: Deadline) => Promise<unknown>>, timeoutMs = READY_TIMEOUT_MS): Promise<{ ready: boolean; backends: Record<string, string> }> {
  const results = await Promise.all(Object.entries(probes).map(async ([name, probe]) => {
    const deadline = new RequestDeadline(timeoutMs);
    try {
      await probe(deadline);
      return [name, 'ok'] as const;
    } catch (e) {
      return [name, isAppError(e) ? e.code : 'unreachable'] as const;
    } finally {
      deadline.dispose();
    }
  }));
  return { ready: results.every(([, r]) => r === 'ok'), backends: Object.fromEntries(results) };
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
  /**
   * Builds the request's context. `deadline` is the request's, from the gateway's
   * DEADLINE_HEADER: hand the backend clients' request views (`forRequest(deadline)`)
   * to everything that calls a backend, so no call outlives the request.
   */
  context: (identity: Identity, requestId: string, deadline: Deadline) => Promise<TContext>;
  /** The longest budget a request may ask for in DEADLINE_HEADER (and the one it gets without the header). */
  maxBudgetMs?: number;
  /** Extra checks for /health (e.g. the backend answers). */
  health?: () => Promise<Record<string, unknown>>;
  /**
   * /ready: whether this instance may take traffic (503 when not). Kept apart from
   * /health (liveness): a failed liveness probe restarts the process, which would
   * not repair what readiness reports (e.g. a vanished store) and could make it worse.
   */
  ready?: () => ({ ready: boolean } & Record<string, unknown>) | Promise<{ ready: boolean } & Record<string, unknown>>;
  plugins?: ApolloServerPlugin<TContext>[];
}

export async function createSubgraphServer<TContext extends BaseContext>(opts: SubgraphServerOptions<TContext>) {
  const typeDefs = parse(readFileSync(opts.schemaFile, 'utf8'));
  const apollo = new ApolloServer<TContext>({
    schema: applyPermissions(buildSubgraphSchema({ typeDefs, resolvers: opts.resolvers as never })),
    formatError: formatErrorFor(opts.system),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Federated traces go to Apollo's cloud; nothing here reports there. The default landing page
    // would load Apollo's sandbox from its CDN into a browser; subgraphs are for the gateway only.
    // No cache hints are declared or read anywhere, and the default cache-control plugin hooks every
    // field of every record (willResolveField makes Apollo wrap each resolver): off.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), errorLogPlugin<TContext>(opts.system, opts.logger), deadlinePlugin<TContext>(), requestRecordPlugin<TContext>(), ...(opts.plugins ?? [])],
  });
  await apollo.start();
  // One name in metrics, spans, /health and /ready: the subgraph's (the writes subgraph's system is the gateway's).
  const component = `${opts.name}-subgraph`;
  const server = createGraphQLHttpServer<TContext>({
    apollo,
    logger: opts.logger,
    component,
    // Nothing runs for a caller that is not the gateway: no identity, no context, no backend call.
    context: async (req, requestId) => {
      const header = req.headers[IDENTITY_HEADER];
      const identity = await verifyInternalToken(typeof header === 'string' ? header : undefined, opts.name, opts.internalSecret);
      const record = currentRequest();
      if (record) record.role = identity.roles.join(",");
      // Aborted when the deadline passes or the gateway drops the connection (it gave up): the work stops with it.
      const deadline = new RequestDeadline(budgetFromHeader(req.headers[DEADLINE_HEADER], opts.maxBudgetMs ?? MAX_REQUEST_BUDGET_MS)).watch(req);
      try {
        return Object.assign(await opts.context(identity, requestId, deadline), { [DEADLINE]: deadline, [MASKED_FIELDS]: new Set<string>() });
      } catch (e) {
        deadline.dispose();
        throw e;
      }
    },
    routes: async (req, res) => {
      if (req.url === '/ready') {
        // A draining instance (shutdown under way) takes no new traffic.
        const state = !server.listening ? { ready: false, draining: true } : opts.ready ? await opts.ready() : { ready: true };
        sendJson(res, state.ready ? 200 : 503, { component, ...state });
        return true;
      }
      if (req.url !== '/health') return false;
      sendJson(res, 200, { status: 'ok', component, ...(opts.health ? await opts.health() : {}) });
      return true;
    },
  });
  return { apollo, server, stop: () => apollo.stop() };
}
