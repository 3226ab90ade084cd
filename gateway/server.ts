// The gateway: Apollo Gateway on a composed supergraph, served on /graphql with
// /health, built without listening. It forwards the request id to every subgraph
// and names the system when a subgraph cannot be reached. At its edge (issue 9):
// authentication and a per-caller rate limit before the body is read, string
// bounds and scalar checks before planning, caller-safe errors carrying the
// request id, and HTTP statuses by one rule (see statusForRequestErrors).
// First: Apollo's usage-reporting packages are deferred before `@apollo/gateway` loads (see the module).
import './apollo-telemetry-deps.ts';
import type http from 'node:http';
import { Agent, request as undiciRequest } from 'undici';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { GraphQLScalarType, Kind, parse, type GraphQLSchema } from 'graphql';
import { ERRORS, graphQLError } from '../policy/errors.ts';
import { errorKeyOf, toCallerError } from '../policy/caller-errors.ts';
import { COMPONENTS, SYSTEM_OF_SUBGRAPH, type SystemName } from '../policy/components.ts';
import { CRM_SYSTEM } from '../core/crm-system.ts';
import { DateScalar, DateTimeScalar } from '../subgraphs/common/scalars.ts';
import { openStore } from '../store/database.ts';
import { StoreRateLimitCounter, type RateLimitCounter } from '../store/rate-limits.ts';
import { findOverlongString, overlongStringError, STRING_LIMITS, type StringLimits } from './input-bounds.ts';
import { createRateLimiter, loadRateLimitConfig, type RateLimitConfig } from './rate-limit.ts';
import { CLIENT_KEEP_ALIVE_IDLE_MS, createGraphQLHttpServer, REQUEST_ID_HEADER, requestRecordPlugin, sendJson, type CorsOptions } from '../core/http.ts';
import { injectContext } from '../core/tracing.ts';
import { currentRequest, redactCallerValues } from '../core/logger.ts';
import { createQueryLimits, loadLimitsConfig, type QueryLimits } from './limits.ts';
import { rememberOperationsPerDocument } from './operation-memo.ts';
import { shapeResultsFromPlans } from './result-shaping.ts';
import { serveExplorer } from './explorer.ts';
import { IDENTITY_HEADER, signInternalToken, type Identity } from '../core/identity.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { DEADLINE_HEADER, reachedDeadline, RequestDeadline, SUBGRAPH_ANSWER_MARGIN_MS } from '../core/deadline.ts';

export interface GatewayContext {
  requestId: string;
  identity: Identity;
  /** The request's one deadline: every subgraph call runs within it (core/deadline.ts). */
  deadline: RequestDeadline;
  /** Field coordinates the subgraphs withheld from this caller, answered once in `extensions.masked`. */
  masked?: Set<string>;
}

/** The gateway's default budget for a request: below `hubspot.fetch`'s 15 s, so a CRM card gets our answer, not its own timeout. */
export const DEFAULT_REQUEST_BUDGET_MS = 14_000;

/**
 * A caller may ask for a shorter budget in DEADLINE_HEADER (a client that gives up
 * sooner); never for a longer one than the gateway's own.
 */
export function requestBudgetMs(asked: string | string[] | undefined, budgetMs: number): number {
  const ms = typeof asked === 'string' && /^[0-9]{1,9}$/.test(asked.trim()) ? Number(asked.trim()) : NaN;
  return ms >= 1 && ms < budgetMs ? ms : budgetMs;
}

/** Which system of record each subgraph fronts (names in supergraph.yaml), from policy/components.ts; the CRM is the configured one. */
export const SUBGRAPH_SYSTEMS: Readonly<Record<string, SystemName>> = { ...SYSTEM_OF_SUBGRAPH, [COMPONENTS.crm.subgraph]: CRM_SYSTEM };
/** Named when the gateway cannot tell which subgraph failed. */
const GATEWAY_SYSTEM: SystemName = COMPONENTS.integration.system;

type SubgraphAnswer = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraphName: string, url: string, private readonly timeoutMs: number, private readonly internalSecret: string, private readonly agent: Agent) {
    super({ url });
  }

  /**
   * One subgraph call, as Apollo's RemoteGraphQLDataSource.process makes it (the same
   * body — query, variables, operationName — the same JSON content type, its parseBody
   * and errorFromResponse, didReceiveResponse on the answer) without what this gateway
   * does not use: a node-fetch Headers object and a node-fetch Request per call, the
   * APQ and cache-control branches (both off), and three async hooks between them.
   * 3–8% of the gateway's CPU per request (issue 13: bench/gateway-ab.ts, canned subgraphs, both side orders).
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphAnswer> {
    const { request, context } = options;
    // The subgraph call is cancelled with its request: at the deadline, or when the caller hangs up.
    const signal = 'deadline' in context ? context.deadline?.signal : undefined;
    try {
      if (!request.query) throw new Error('Missing query');
      const headers: Record<string, string> = {};
      // Apollo passes headers of its own only for federated tracing (off here); kept if it ever does.
      if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name.toLowerCase()] = value;
      headers['content-type'] = 'application/json';
      await this.addCallerHeaders(headers, context);
      const { http: _http, query, ...rest } = request;
      const response = await this.callSubgraph(this.url!, { method: 'POST', headers, body: JSON.stringify({ query, ...rest }), signal });
      if (!response.ok) throw await this.errorFromResponse(response as never);
      const body = await this.parseBody(response as never);
      if (!body || typeof body !== 'object') throw new Error(`Expected JSON response body, but received: ${String(body)}`);
      const answer = { ...body, http: response } as unknown as SubgraphAnswer;
      return this.receive(answer, context);
    } catch (e) {
      const system = SUBGRAPH_SYSTEMS[this.subgraphName] ?? GATEWAY_SYSTEM;
      const error = e instanceof GraphQLError && e.extensions?.code && e.extensions.code !== 'INTERNAL_SERVER_ERROR'
        ? e
        : new GraphQLError(`The ${system} subgraph is unavailable`, {
          extensions: { code: ERRORS.SUBGRAPH_UNAVAILABLE.code, system, serviceName: this.subgraphName, ...(reachedDeadline(signal) ? { deadlineReached: true } : {}) },
        });
      // Thrown, Apollo Gateway reports the failure once and without a path, and the client cannot tell
      // which of its nulls it caused. Answered as the fetch's errors instead, each one carries the path
      // of what the fetch was for: its root fields, or each entity it was to complete (Apollo maps
      // `_entities` paths onto the response).
      const paths = pathsOfFetch(options);
      if (!paths.length) throw error;
      return { data: null, errors: paths.map((path) => ({ message: error.message, path, extensions: { ...error.extensions } })) } as unknown as SubgraphAnswer;
    }
  }

  /**
   * Forwards the request id, the verified identity as a credential only this
   * subgraph accepts, and what is left of the request's deadline (minus the time
   * the subgraph's answer needs to come back); a call that could not finish in
   * time is not made.
   */
  private async addCallerHeaders(headers: Record<string, string>, context: Partial<GatewayContext>): Promise<void> {
    if (!context.identity || !context.requestId) return; // no identity, no credential: the subgraph refuses
    headers[REQUEST_ID_HEADER] = context.requestId;
    // W3C trace context: the subgraph's spans (and its backend calls) join this request's trace.
    injectContext({ set: (name: string, value: string) => (headers[name] = value) });
    headers[IDENTITY_HEADER] = await signInternalToken(context.identity, this.subgraphName, this.internalSecret, context.requestId);
    if (!context.deadline) return;
    const left = context.deadline.remainingMs();
    const forSubgraph = Math.floor(left - Math.min(SUBGRAPH_ANSWER_MARGIN_MS, left / 4));
    if (forSubgraph < 1) {
      const system = SUBGRAPH_SYSTEMS[this.subgraphName] ?? GATEWAY_SYSTEM;
      throw new GraphQLError(`The ${system} subgraph was not called: the request's deadline was reached`, {
        extensions: { code: ERRORS.SUBGRAPH_UNAVAILABLE.code, system, serviceName: this.subgraphName, deadlineReached: true },
      });
    }
    headers[DEADLINE_HEADER] = String(forSubgraph);
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

  /** A subgraph lists the fields it masked in its response's extensions; the gateway answers their union. */
  private receive(response: SubgraphAnswer, context: Partial<GatewayContext>): SubgraphAnswer {
    const masked = response.extensions?.masked;
    if (Array.isArray(masked) && context.masked) for (const c of masked) if (typeof c === 'string') context.masked.add(c);
    return response;
  }

  /**
   * `undici.request` on the gateway's one keep-alive agent, not the global `fetch`:
   * the WHATWG machinery (Request/Headers objects, web streams) was about a quarter
   * of the gateway's CPU under load (issue 13). Apollo's parseBody and this file read
   * only status, ok, headers.get and json/text from the answer, so that is all the adapter offers.
   */
  private readonly callSubgraph = async (input: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal }) => {
    const res = await undiciRequest(input, {
      dispatcher: this.agent,
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal ?? AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.body.text();
    return subgraphResponse(input, res.statusCode, res.headers, text);
  };
}

/** More entities than this in one failed fetch get one error without a path for the rest, not one each. */
const MAX_ENTITY_ERROR_PATHS = 100;

/**
 * The paths a failed subgraph fetch leaves null: `['_entities', i]` for each representation
 * of an entity fetch (at most MAX_ENTITY_ERROR_PATHS, then one path-less error for the
 * rest), else each root field of the fetch's operation by response key. None when the
 * operation is not at hand.
 */
function pathsOfFetch(options: GraphQLDataSourceProcessOptions<GatewayContext>): Array<Array<string | number> | undefined> {
  const representations = options.request.variables?.representations;
  if (Array.isArray(representations)) {
    const paths: Array<Array<string | number> | undefined> = representations.slice(0, MAX_ENTITY_ERROR_PATHS).map((_, i) => ['_entities', i]);
    if (representations.length > MAX_ENTITY_ERROR_PATHS) paths.push(undefined);
    return paths;
  }
  // Parsed here, on the failure path only: Apollo hands the fetch's document over only when its
  // planner is configured to keep it (exposeDocumentNodeInFetchNode).
  let document = 'document' in options ? options.document : undefined;
  if (!document && options.request.query) {
    try {
      document = parse(options.request.query);
    } catch {
      return [];
    }
  }
  const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const keys = new Set<string>();
  for (const sel of operation.selectionSet.selections) if (sel.kind === Kind.FIELD && sel.name.value !== '__typename') keys.add(sel.alias?.value ?? sel.name.value);
  return [...keys].map((key) => [key]);
}

/** The part of a fetch Response that RemoteGraphQLDataSource and this file read. */
function subgraphResponse(url: string, status: number, headers: Record<string, string | string[] | undefined>, text: string) {
  const header = (name: string): string | null => {
    const v = headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  };
  return {
    url,
    status,
    statusText: '',
    ok: status >= 200 && status < 300,
    headers: { get: header, has: (name: string) => header(name) !== null },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Verifies the caller's Authorization header (see core/identity.ts). */
  verifyCaller: (authorization: string | undefined) => Promise<Identity>;
  internalSecret: string;
  logger?: Logger;
  production?: boolean;
  /**
   * The request's budget (GATEWAY_SUBGRAPH_TIMEOUT_MS): every subgraph call of one
   * request, and the backend calls behind them, end within it. Default
   * DEFAULT_REQUEST_BUDGET_MS; keep it at or below the subgraphs' maximum (15 s).
   */
  subgraphTimeoutMs?: number;
  /** Query limits; defaults to loadLimitsConfig(process.env). */
  limits?: QueryLimits;
  /** Maximum string lengths of arguments; defaults to STRING_LIMITS. */
  stringLimits?: StringLimits;
  /** Per-caller rate limits; defaults to loadRateLimitConfig(process.env). */
  rateLimits?: RateLimitConfig;
  /** Where the rate-limit counters live; defaults to an embedded in-memory store (give the shared store in production). */
  rateLimitCounter?: RateLimitCounter;
  /** Browser origins allowed to call (CORS_ORIGINS); none by default. */
  cors?: CorsOptions;
  /** How long /ready waits for each subgraph's /health. */
  readyTimeoutMs?: number;
}

/** Long enough for a healthy subgraph on a LAN, short enough for a readiness probe's own timeout. */
export const DEFAULT_READY_TIMEOUT_MS = 2_000;

/**
 * Apollo Gateway reports anonymous usage metrics to Apollo (and probes cloud
 * metadata endpoints to describe the host) unless APOLLO_TELEMETRY_DISABLED is
 * set. Nothing leaves unless the operator asks: it is set here when absent, so an
 * operator opts in with APOLLO_TELEMETRY_DISABLED=false.
 */
export function disableApolloTelemetryByDefault(env: Record<string, string | undefined> = process.env): void {
  if (env.APOLLO_TELEMETRY_DISABLED === undefined) env.APOLLO_TELEMETRY_DISABLED = 'true';
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

/** Apollo's `extensions.http` of an error it raised for the request itself: a 4xx status. */
function isClientHttpError(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Errors leave in the caller's view (policy/caller-errors.ts): registered code,
 * canonical message where a backend's text would pass, the system (the gateway's
 * own errors name it too), the field; the details were logged where they arose.
 */
function formatGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = { ...(formatted.extensions ?? {}) } as Record<string, unknown>;
  if (extensions.code === 'BAD_USER_INPUT' && !extensions.field) {
    const field = fieldOfVariableError(formatted.message);
    if (field) extensions.field = field;
  }
  if (!extensions.system) extensions.system = typeof extensions.serviceName === 'string' ? (SUBGRAPH_SYSTEMS[extensions.serviceName] ?? 'gateway') : 'gateway';
  return toCallerError({ ...formatted, extensions });
}

/**
 * The HTTP status of a response without `data` (a request error), after the
 * GraphQL-over-HTTP spec: for application/graphql-response+json a request error
 * MUST be 4xx/5xx and a response with data 2xx; for application/json 200 is
 * recommended but 4xx/5xx allowed — this gateway answers both media types the same
 * way so a client needs one rule: the registered status of the error's code,
 * a client error (4xx) winning over a server error; a response with data is 200.
 */
export function statusForRequestErrors(codes: readonly unknown[]): number {
  const statuses = codes.map((c) => ERRORS[errorKeyOf(c) ?? 'INTERNAL'].httpStatus).filter((s) => s >= 400);
  return statuses.find((s) => s < 500) ?? statuses[0] ?? 500;
}

/** Scalar errors raised while validating literals at the gateway (Apollo labels them GRAPHQL_VALIDATION_FAILED). */
const SCALAR_ERRORS = new WeakSet<object>();

/**
 * The supergraph's DateTime and Date are opaque to the gateway; giving them the
 * subgraphs' own parsing makes a malformed value the caller's BAD_USER_INPUT here,
 * before planning, instead of an error attributed to the subgraph's system.
 */
function installScalarParsing(schema: GraphQLSchema): void {
  for (const scalar of [DateTimeScalar, DateScalar]) {
    const type = schema.getType(scalar.name);
    if (!(type instanceof GraphQLScalarType)) continue;
    Object.assign(type, {
      parseValue: scalar.parseValue,
      parseLiteral: (...args: Parameters<typeof scalar.parseLiteral>) => {
        try {
          return scalar.parseLiteral(...args);
        } catch (e) {
          if (e && typeof e === 'object') SCALAR_ERRORS.add(e);
          throw e;
        }
      },
    });
  }
}

function causedByScalar(error: { originalError?: unknown }): boolean {
  for (let e: unknown = error.originalError; e && typeof e === 'object'; e = (e as { originalError?: unknown }).originalError) {
    if (SCALAR_ERRORS.has(e)) return true;
  }
  return false;
}

/** The gateway's edge checks and error handling, as one Apollo Server plugin. */
function edgePlugin(logger: Logger, stringLimits: StringLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate: ({ apiSchema }) => installScalarParsing(apiSchema),
      };
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) {
            // Apollo Gateway would report this as an internal INVALID_GRAPHQL (500): it is the caller's request.
            const name = request.operationName ? `"${request.operationName.slice(0, 100)}"` : undefined;
            throw graphQLError(
              'OPERATION_RESOLUTION_FAILURE',
              name ? `Unknown operation named ${name}` : 'Must provide operation name if query contains multiple operations',
              { http: { status: 400 } },
            );
          }
          const overlong = findOverlongString(schema, document, request.variables, stringLimits);
          if (overlong) throw overlongStringError(overlong);
        },
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (error.extensions.code === 'GRAPHQL_VALIDATION_FAILED' && causedByScalar(error)) error.extensions.code = ERRORS.BAD_USER_INPUT.code;
            // Apollo answers some malformed requests with a 400 and no code (an APQ hash that does not match its query).
            if (!error.extensions.code && isClientHttpError(error.extensions.http)) error.extensions.code = ERRORS.BAD_REQUEST.code;
            const code = error.extensions.code;
            const entry = { requestId: contextValue.requestId, code, system: error.extensions.system, service: error.extensions.serviceName, path: error.path, message: redactCallerValues(error.message) };
            if (!code || code === 'INTERNAL_SERVER_ERROR') logger.error({ ...entry, err: error.originalError ?? error }, 'gateway error');
            else logger.info(entry, 'request error');
          }
        },
        async willSendResponse({ response, contextValue }) {
          contextValue.deadline?.dispose();
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (contextValue.masked?.size) result.extensions = { ...result.extensions, masked: [...contextValue.masked].sort() };
          if (!result.errors?.length) return;
          // The caller quotes the request id; the log lines of every component carry it.
          result.errors = result.errors.map((e) => ({ ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } }));
          if (result.data !== undefined) {
            response.http.status = 200;
          } else if (!response.http.status || response.http.status < 400 || response.http.status >= 500) {
            response.http.status = statusForRequestErrors(result.errors.map((e) => e.extensions?.code));
          }
        },
      };
    },
  };
}

export async function createGatewayServer(opts: GatewayOptions): Promise<{ server: http.Server; apollo: ApolloServer<GatewayContext>; stop: () => Promise<void> }> {
  const logger = opts.logger ?? createLogger('gateway');
  const production = opts.production ?? false;
  const budgetMs = opts.subgraphTimeoutMs ?? DEFAULT_REQUEST_BUDGET_MS;
  disableApolloTelemetryByDefault();
  rememberOperationsPerDocument();
  shapeResultsFromPlans();
  const subgraphUrls = new Map<string, string>();
  // One pool of keep-alive connections for every subgraph call; closed with the gateway. Idle
  // sockets are dropped before a subgraph server would close them (core/http.ts's one rule).
  const subgraphAgent = new Agent({ keepAliveTimeout: CLIENT_KEEP_ALIVE_IDLE_MS, keepAliveMaxTimeout: 30_000, connections: 128 });
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) => {
      subgraphUrls.set(name, url!);
      return new SubgraphDataSource(name, url!, budgetMs, opts.internalSecret, subgraphAgent);
    },
    logger: { debug: () => {}, info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  const limits = createQueryLimits<GatewayContext>(opts.limits ?? loadLimitsConfig(), { production });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // No cache-control plugin: this gateway never marks an answer cacheable (per-caller data), so
    // Apollo's default one only spent its per-request hooks to compute "no header".
    plugins: [...limits.plugins, edgePlugin(logger, opts.stringLimits ?? STRING_LIMITS), requestRecordPlugin<GatewayContext>(), ApolloServerPluginCacheControlDisabled()],
    formatError: formatGatewayError,
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    csrfPrevention: true,
  });
  await apollo.start();
  const ownStore = opts.rateLimitCounter ? null : openStore(':memory:');
  const rateLimit = createRateLimiter(opts.rateLimits ?? loadRateLimitConfig(), opts.rateLimitCounter ?? new StoreRateLimitCounter(ownStore!));
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  /** Ready when every subgraph answers its /health within the timeout. */
  const readiness = async () => {
    const checks = await Promise.all([...subgraphUrls].map(async ([name, url]) => {
      const health = new URL('/health', url).toString();
      try {
        const res = await fetch(health, { signal: AbortSignal.timeout(readyTimeoutMs) });
        await res.body?.cancel();
        return [name, res.ok ? 'ok' : `HTTP ${res.status}`] as const;
      } catch (e) {
        return [name, e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'unreachable'] as const;
      }
    }));
    return { ready: checks.length > 0 && checks.every(([, s]) => s === 'ok'), subgraphs: Object.fromEntries(checks) };
  };
  const server = createGraphQLHttpServer<GatewayContext>({
    apollo,
    logger,
    component: 'gateway',
    cors: opts.cors,
    // No valid token, no GraphQL: a 401 before the body, parsing, planning or any subgraph call;
    // then the caller's rate limit (429), still before the body is read.
    context: async (req, requestId) => {
      const identity = await opts.verifyCaller(req.headers.authorization);
      const record = currentRequest();
      if (record) record.role = identity.roles.join(",");
      await rateLimit(identity);
      // The clock starts here: one deadline for the whole request, whatever its query plan.
      const deadline = new RequestDeadline(requestBudgetMs(req.headers[DEADLINE_HEADER], budgetMs)).watch(req);
      return { requestId, identity, deadline, masked: new Set<string>() };
    },
    routes: async (req, res) => {
      // The browser explorer is a development tool: a production gateway does not serve it (nor introspection).
      if (!production && serveExplorer(req, res)) return true;
      if (req.url === '/ready') {
        // Not ready while draining (shutdown) or while a subgraph cannot be reached.
        const state = server.listening ? await readiness() : { ready: false, draining: true };
        sendJson(res, state.ready ? 200 : 503, { component: 'gateway', ...state });
        return true;
      }
      if (req.url !== '/health') return false;
      sendJson(res, 200, { status: 'ok', component: 'gateway' });
      return true;
    },
  });
  return {
    server,
    apollo,
    stop: async () => {
      await apollo.stop();
      await subgraphAgent.close();
      ownStore?.close();
    },
  };
}
