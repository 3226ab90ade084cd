// A small node:http integration for Apollo Server, shared by the gateway and the
// three subgraphs. Servers are built without listening (tests listen on port 0). It adds
// what every endpoint of the project needs: a request id accepted or created, a
// body size limit, /health, /metrics, a hook to refuse a request before GraphQL runs (it
// runs on the headers, before the body is read), server timeouts, and what an
// operator sees of each request (R9): a server span continuing the caller's
// `traceparent`, one log line and the operation metrics once it is answered.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AppError, isAppError } from '../policy/errors.ts';
import { toCallerError } from '../policy/caller-errors.ts';
import { currentRequest, withRequest, type Logger, type RequestRecord } from './logger.ts';
import { metricsText, recordGraphQLRequest, type GraphQLOutcome } from './metrics.ts';
import { extractContext, initTracing, startRequestSpan } from './tracing.ts';
import { DEADLINE_HEADER } from './deadline.ts';
import { z } from 'zod';
import { parseEnv, type Env } from './env.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

/**
 * Node's defaults hold a connection for a long time (requestTimeout 300 s, no
 * idle limit on a half-sent body): a few slow clients would hold every socket.
 * Our callers are programs on a LAN or behind a proxy; a request that has not
 * arrived within these bounds is abuse or a broken client.
 */
export interface ServerTimeouts {
  /** Until the request headers are complete. */
  headersMs: number;
  /** Until the whole request (headers and body) is received; the answer may take longer. */
  requestMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveMs: number;
  /** How often Node checks the two limits above (its default, 30 s, would double them). */
  checkIntervalMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 };

/**
 * How long our HTTP clients keep an idle pooled connection: shorter than the servers'
 * keep-alive (ours above, Node's default 5 s, load balancers' 60 s and more). A client
 * that keeps it longer races the server closing it: the request written as the server's
 * FIN is on its way fails with ECONNRESET ("socket hang up") though the server is fine.
 */
export const CLIENT_KEEP_ALIVE_IDLE_MS = 4_000;

/** Applies the timeouts to a server (the GraphQL servers below, and anything `listen` starts). */
export function applyServerTimeouts(server: http.Server, t: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS): http.Server {
  server.headersTimeout = Math.min(t.headersMs, t.requestMs);
  server.requestTimeout = t.requestMs;
  server.keepAliveTimeout = t.keepAliveMs;
  return server;
}

/** A request id from the caller is kept if it is sane, so a trace spans systems; otherwise a new one. */
export function requestIdOf(req: http.IncomingMessage): string {
  return requestIdFrom(req.headers[REQUEST_ID_HEADER]);
}

/** The same rule for a header value read by another router (docs/other-routers.md). */
export function requestIdFrom(given: unknown): string {
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new AppError('BAD_USER_INPUT', `Request body exceeds ${maxBytes} bytes`, { httpStatus: 413 });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AppError('BAD_USER_INPUT', `Request body exceeds ${maxBytes} bytes`, { httpStatus: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What the request's log line and metrics need from GraphQL: the operation's name
 * and the outcome. Add it to the Apollo Server of every component.
 */
export function requestRecordPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName }) {
          const record = currentRequest();
          if (record) record.operationName = operationName;
        },
        async willSendResponse({ response, request }) {
          const record = currentRequest();
          if (!record) return;
          if (record.operationName === undefined) record.operationName = request.operationName ?? null;
          if (response.body.kind !== 'single') {
            record.outcome = 'ok';
            return;
          }
          const { data, errors } = response.body.singleResult;
          record.codes = [...new Set((errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL')))];
          record.outcome = !errors?.length ? 'ok' : data ? 'partial' : 'error';
        },
      };
    },
  };
}

/**
 * Browser origins allowed to call (CORS). None by default: the gateway's callers
 * are programs, and a portal page on its own origin is allowed by configuration.
 */
export interface CorsOptions {
  origins: readonly string[];
  /** Request headers a browser may send. */
  allowHeaders?: readonly string[];
}

const CORS_ALLOW_HEADERS = ['authorization', 'content-type', REQUEST_ID_HEADER, DEADLINE_HEADER, 'apollo-require-preflight', 'traceparent', 'tracestate'];
const CORS_EXPOSE_HEADERS = [REQUEST_ID_HEADER, 'retry-after'];

/** CORS_ORIGINS: comma-separated origins (`https://portal.example.com`); each must be an origin, nothing more. */
export function parseCorsOrigins(value: string | undefined): string[] {
  if (!value?.trim()) return [];
  return value.split(',').map((v) => v.trim()).filter(Boolean).map((v) => {
    let origin: string;
    try {
      origin = new URL(v).origin;
    } catch {
      throw new AppError('CONFIG_INVALID', `CORS_ORIGINS: "${v}" is not an origin (scheme://host[:port])`);
    }
    if (origin !== v.replace(/\/$/, '')) throw new AppError('CONFIG_INVALID', `CORS_ORIGINS: "${v}" is not an origin (scheme://host[:port], no path)`);
    return origin;
  });
}

/** Answers a preflight (true when it was one); adds the CORS headers of an allowed origin to a response. */
function applyCors(cors: CorsOptions | undefined, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const origin = req.headers.origin;
  const preflight = req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string';
  const allowed = cors !== undefined && typeof origin === 'string' && cors.origins.includes(origin);
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  }
  if (!preflight) {
    if (allowed) res.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS.join(', '));
    return false;
  }
  // A preflight carries no credentials by design: it is answered here, before authentication.
  if (!allowed) {
    res.writeHead(403, { 'content-length': '0' });
    res.end();
    return true;
  }
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': (cors.allowHeaders ?? CORS_ALLOW_HEADERS).join(', '),
    'access-control-max-age': '600',
    'content-length': '0',
  });
  res.end();
  return true;
}

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  logger: Logger;
  /** The component's name in metrics, spans and log lines (gateway, odoo-subgraph…). */
  component: string;
  /** Allowed browser origins; without it no CORS header is sent and every preflight is refused. */
  cors?: CorsOptions;
  path?: string;
  maxBodyBytes?: number;
  timeouts?: ServerTimeouts;
  /**
   * Builds the per-request context from the headers, before the body is read
   * (authentication first: an anonymous client cannot make us wait for or buffer
   * its body); throwing an AppError answers with its HTTP status.
   */
  context: (req: http.IncomingMessage, requestId: string) => Promise<TContext>;
  /** Extra routes (e.g. /health, /metrics); return true when handled. */
  routes?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> | boolean;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The error body for a request refused before GraphQL runs, in GraphQL's own response shape. */
export function refuse(res: http.ServerResponse, e: AppError, requestId: string, headers: Record<string, string> = {}): void {
  const retryAfter = typeof e.details.retryAfterMs === 'number' ? Math.max(1, Math.ceil(e.details.retryAfterMs / 1000)) : undefined;
  const extensions = { code: e.code, ...(e.details.system ? { system: e.details.system } : {}), requestId, ...(retryAfter !== undefined ? { retryAfter } : {}) };
  sendJson(
    res,
    Number(e.details.httpStatus ?? e.httpStatus),
    { errors: [toCallerError({ message: e.message, extensions })] },
    { [REQUEST_ID_HEADER]: requestId, ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}), ...headers },
  );
}

/**
 * Who may read /metrics. It carries names and counts, never ids or values, and by
 * default anyone who reaches the port may read it (expose it to the scraper only).
 * Where a component's port is reachable by others (a gateway on a public address),
 * METRICS_TOKEN (16 characters or more) makes every scrape send
 * `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`);
 * without it the answer is 401.
 */
export function metricsAccess(env: Env = process.env): (req: http.IncomingMessage) => boolean {
  const { METRICS_TOKEN } = parseEnv(z.object({ METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional() }), env, { label: 'metrics' });
  if (!METRICS_TOKEN) return () => true;
  // Digests of equal length, compared in constant time: the token's length leaks nothing either.
  const expected = createHash('sha256').update(`Bearer ${METRICS_TOKEN}`).digest();
  return (req) => timingSafeEqual(createHash('sha256').update(req.headers.authorization ?? '').digest(), expected);
}

/** Answers /metrics for a caller `allowed` lets in; 401 otherwise. */
async function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse, allowed: (req: http.IncomingMessage) => boolean): Promise<void> {
  if (!allowed(req)) return sendJson(res, 401, { error: 'metrics need the scraper\'s bearer token' }, { 'www-authenticate': 'Bearer' });
  const { contentType, body } = await metricsText();
  res.writeHead(200, { 'content-type': contentType });
  res.end(body);
}

/** What the handler reads of a request's URL. */
type RequestUrl = Pick<URL, 'pathname' | 'search'>;

export function createGraphQLHttpServer<TContext extends BaseContext>(opts: GraphQLHttpOptions<TContext>): http.Server {
  const path = opts.path ?? '/graphql';
  const pathIsCanonical = new URL(path, 'http://localhost').pathname === path;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeouts = opts.timeouts ?? DEFAULT_SERVER_TIMEOUTS;
  const metricsAllowed = metricsAccess();
  initTracing(opts.component);
  const server = http.createServer({ connectionsCheckingInterval: timeouts.checkIntervalMs }, (req, res) => {
    const record: RequestRecord = { requestId: requestIdOf(req) };
    // Answers carry orders, prices and contacts: no cache (browser, proxy) keeps them, and no
    // browser second-guesses their JSON as another type.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    // A draining server answers what it has and lets the client open its next connection elsewhere.
    if (!server.listening) res.setHeader('connection', 'close');
    if (applyCors(opts.cors, req, res)) return;
    // Parsed once per request: handle() reads the path and the query string from it too. The
    // GraphQL path itself (every POST the gateway sends) needs no parser: nothing in it to normalise.
    const url: RequestUrl = pathIsCanonical && req.url === path ? { pathname: path, search: '' } : new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    if (pathname === '/metrics' && req.method === 'GET') {
      serveMetrics(req, res, metricsAllowed).catch(
        (e: unknown) => {
          opts.logger.error({ err: e }, 'metrics collection failed');
          sendJson(res, 500, { error: 'metrics unavailable' });
        },
      );
      return;
    }
    if (pathname !== path) {
      void handle(req, res, record, url);
      return;
    }
    // The request's span continues the caller's trace (the gateway's `traceparent`).
    const callerContext = extractContext(req.headers);
    const span = startRequestSpan(`${opts.component} ${req.method ?? 'GET'} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path, component: opts.component } }, callerContext);
    const started = performance.now();
    res.once('close', () => {
      const durationMs = performance.now() - started;
      const outcome: GraphQLOutcome = record.outcome ?? (res.statusCode >= 400 || !res.writableFinished ? 'refused' : 'ok');
      recordGraphQLRequest(opts.component, record.operationName, outcome, durationMs);
      if (outcome === 'error' || outcome === 'refused') span.setStatus({ code: SpanStatusCode.ERROR, message: record.codes?.join(',') ?? String(res.statusCode) });
      span.setAttribute('http.response.status_code', res.statusCode);
      if (record.operationName) span.setAttribute('graphql.operation.name', record.operationName);
      const level = res.statusCode >= 500 ? 'warn' : 'info';
      // Entering the request's context only to tag a line the level drops is skipped.
      if (opts.logger.isLevelEnabled(level)) {
        withRequest(record, () => {
          // One line per request: names, codes and counts — never the query text, variables or token.
          const line = { operation: record.operationName ?? null, outcome, status: res.statusCode, durationMs: Math.round(durationMs), role: record.role ?? null, ...(record.codes?.length ? { codes: record.codes } : {}) };
          opts.logger[level](line, 'graphql request');
        }, trace.setSpan(otelContext.active(), span));
      }
      span.end();
    });
    // The request's span and its record in one context (log lines read both from it).
    withRequest(record, () => void handle(req, res, record, url), trace.setSpan(callerContext, span));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord, url: RequestUrl): Promise<void> {
    const requestId = record.requestId;
    let bodyRead = req.method !== 'POST';
    try {
      if (opts.routes && (await opts.routes(req, res))) return;
      if (url.pathname !== path) {
        sendJson(res, 404, { error: 'not found' });
        return;
      }
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      }
      const context = await opts.context(req, requestId);
      const bodyText = req.method === 'POST' ? await readBody(req, maxBodyBytes) : '';
      bodyRead = true;
      let body: unknown = undefined;
      if (bodyText) {
        try {
          body = JSON.parse(bodyText);
        } catch {
          throw new AppError('BAD_USER_INPUT', 'Request body is not valid JSON', { httpStatus: 400 });
        }
      }
      const result = await opts.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context,
      });
      const outHeaders: Record<string, string> = { [REQUEST_ID_HEADER]: requestId };
      for (const [k, v] of result.headers) outHeaders[k] = v;
      res.writeHead(result.status ?? 200, outHeaders);
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (e) {
      // An unread (or partly read) body is left behind with the connection: never read it, never reuse the socket.
      const close: Record<string, string> = bodyRead ? {} : { connection: 'close' };
      if (isAppError(e)) {
        // The caller sees the registered code and a caller message; the details stay in this line.
        record.codes = [e.code];
        opts.logger.info({ requestId, code: e.code, backendMessage: e.message, details: e.details }, 'request refused');
        refuse(res, e, requestId, close);
        return;
      }
      if (clientWentAway(req, e)) {
        // Nothing failed here: the caller hung up before its request was read (or answered).
        opts.logger.info({ requestId }, 'client closed the connection');
        res.destroy();
        return;
      }
      opts.logger.error({ err: e, requestId }, 'request failed');
      if (!res.headersSent) refuse(res, new AppError('INTERNAL', 'Internal error'), requestId, close);
      else res.end();
    }
  }
  return applyServerTimeouts(server, timeouts);
}

/** Node's system error code for a connection the peer reset (not one of ours: policy/errors.ts registers those). */
const CONNECTION_RESET = 'ECONNRESET';

/** Whether `e` is the caller's connection closing under the request (Node's "aborted" ECONNRESET), not a fault of ours. */
function clientWentAway(req: http.IncomingMessage, e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === CONNECTION_RESET && (req.destroyed || req.socket?.destroyed === true);
}

/** Listens on the given port (0 = any free one) on loopback by default; resolves the base URL. */
export async function listen(server: http.Server, port = 0, host = '127.0.0.1'): Promise<string> {
  // Node's own defaults (300 s for a request) would apply to any server built without createGraphQLHttpServer.
  if (server.requestTimeout === 300_000) applyServerTimeouts(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * The operations endpoints of a process that serves no GraphQL (the sync worker):
 * /health (liveness), /ready (its `ready` check; 503 when not ready or draining)
 * and /metrics. Built without listening, like the GraphQL servers.
 */
export function createOpsServer(opts: { component: string; logger: Logger; ready?: () => Promise<{ ready: boolean } & Record<string, unknown>> | ({ ready: boolean } & Record<string, unknown>) }): http.Server {
  initTracing(opts.component);
  const metricsAllowed = metricsAccess();
  const server = http.createServer(async (req, res) => {
    try {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (pathname === '/health') return sendJson(res, 200, { status: 'ok', component: opts.component });
      if (pathname === '/ready') {
        const state = !server.listening ? { ready: false, draining: true } : opts.ready ? await opts.ready() : { ready: true };
        return sendJson(res, state.ready ? 200 : 503, { component: opts.component, ...state });
      }
      if (pathname === '/metrics') return await serveMetrics(req, res, metricsAllowed);
      sendJson(res, 404, { error: 'not found' });
    } catch (e) {
      opts.logger.error({ err: e }, 'operations endpoint failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
      else res.end();
    }
  });
  return applyServerTimeouts(server);
}
