// What the official client leaves to its caller, added around it without forking it:
// a per-attempt timeout that really aborts the socket (the generated client passes no
// timeout or signal to node-fetch; the resilience policy's deadline only stops the
// waiting), a bound on sockets, and a per-call middleware that forwards X-Request-Id
// and keeps the raw status, headers and body so the connector can validate the wire
// payload itself and classify errors.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { ApiClientConfigurator } from '@hubspot/api-client/lib/src/configuration/ApiClientConfigurator.js';
import { recordRateLimitRemaining } from '../../../core/metrics.ts';
import { injectContext } from '../../../core/tracing.ts';
import { CLIENT_KEEP_ALIVE_IDLE_MS } from '../../../core/http.ts';

export const TIMEOUT_CODE = 'HUBSPOT_TIMEOUT';

type AddRequest = (req: http.ClientRequest, options: unknown) => void;

/**
 * An http(s) agent that destroys a request still unfinished `timeoutMs` after it was
 * handed a socket slot (connect + headers + body). node-fetch then rejects with a
 * FetchError whose `code` is HUBSPOT_TIMEOUT. Keep-alive sockets are reused.
 */
export function createTimeoutAgent(baseUrl: string, timeoutMs: number, maxSockets: number): http.Agent {
  const secure = new URL(baseUrl).protocol === 'https:';
  // `timeout` closes a pooled socket idle that long. Without it Node keeps idle sockets
  // until the server closes them (it honours a server's "Keep-Alive: timeout=" hint only
  // to shorten a timeout the agent already has), so a request could be written onto a
  // socket the server was closing: ECONNRESET on a healthy HubSpot (seen in the
  // several-replicas run as a deal PATCH failing with BACKEND_UNAVAILABLE).
  const options = { keepAlive: true, maxSockets, timeout: CLIENT_KEEP_ALIVE_IDLE_MS };
  const agent: http.Agent = secure ? new https.Agent(options) : new http.Agent(options);
  // addRequest is the (stable, undocumented) hook proxy agents use; wrap it on this instance only.
  const original = (agent as unknown as { addRequest: AddRequest }).addRequest.bind(agent);
  (agent as unknown as { addRequest: AddRequest }).addRequest = (req, options) => {
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`HubSpot request timed out after ${timeoutMs} ms`), { code: TIMEOUT_CODE });
      req.destroy(err);
    }, timeoutMs);
    timer.unref();
    req.once('close', () => clearTimeout(timer));
    original(req, options);
  };
  return agent;
}

export const ABORTED_CODE = 'HUBSPOT_ABORTED';

/**
 * The generated client hands node-fetch no signal, only our agent: a view of the
 * shared agent (same sockets) that destroys this one request when the attempt's
 * signal aborts — its timeout, the request's deadline, or the request abandoned —
 * so no answer is awaited, and no socket held, for a caller that is gone.
 */
function abortingAgent(agent: http.Agent, signal: AbortSignal): http.Agent {
  const view = Object.create(agent) as http.Agent;
  (view as unknown as { addRequest: AddRequest }).addRequest = (req, options) => {
    (agent as unknown as { addRequest: AddRequest }).addRequest(req, options);
    const abort = () => req.destroy(Object.assign(new Error('HubSpot request aborted'), { code: ABORTED_CODE }));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    req.once('close', () => signal.removeEventListener('abort', abort));
  };
  return view;
}

/** What one attempt saw on the wire. */
export interface Capture {
  status?: number;
  headers?: Record<string, string>;
  text?: string;
}

interface MinimalRequestContext {
  setHeaderParam(key: string, value: string): void;
  setAgent(agent: http.Agent | https.Agent): void;
}
interface MinimalResponseContext {
  httpStatusCode: number;
  headers: Record<string, string>;
  body: { text(): Promise<string>; binary(): Promise<Buffer> };
}

/**
 * Per-call options for any generated API method: appended middleware that sets
 * X-Request-Id and our agent, and records the raw answer (the generated deserializer
 * gets a JSON null in its place: nothing reads its result).
 */
/** Header-safe request ids only (visible ASCII); anything else is not forwarded rather than breaking the call. */
const FORWARDABLE_REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

export function callOptions(capture: Capture, agent: http.Agent, requestId: string | undefined, signal?: AbortSignal) {
  const forward = requestId !== undefined && FORWARDABLE_REQUEST_ID.test(requestId) ? requestId : undefined;
  const middleware = {
    pre<C extends MinimalRequestContext>(ctx: C): Promise<C> {
      if (forward) ctx.setHeaderParam('X-Request-Id', forward);
      injectContext({ set: (name, value) => ctx.setHeaderParam(name, value) });
      ctx.setAgent(signal ? abortingAgent(agent, signal) : agent);
      return Promise.resolve(ctx);
    },
    async post<R extends MinimalResponseContext>(resp: R): Promise<R> {
      capture.status = resp.httpStatusCode;
      capture.headers = resp.headers;
      // The headroom HubSpot reports on every answer, for the operator's gauge (backend_rate_limit_remaining).
      recordRateLimitRemaining('hubspot', resp.headers['x-hubspot-ratelimit-remaining']);
      capture.text = await resp.body.text();
      // The connector parses and validates capture.text itself (wire.ts) and never reads what the
      // generated deserializer builds: it is handed a JSON null, which it returns as is, instead of
      // parsing the body a second time into model class instances (issue 13: CPU per request).
      resp.body = { text: async () => 'null', binary: async () => Buffer.from('null') };
      return resp;
    },
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' as const };
}

/** A read the connector sends itself (sendRaw): path under the base URL, query in order, JSON body. */
export interface RawRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Array<[string, string]>;
  body?: unknown;
}

// The generated client's own header values, so HubSpot sees the same client either way.
const USER_AGENT = ApiClientConfigurator.getUserAgent();
const ACCEPT = 'application/json, */*;q=0.8';
const ZLIB = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/**
 * The hot reads (batch read, association batch read, search, get, owners) sent on our agent
 * without the generated client's request machinery (RequestContext, serializer,
 * observable middleware chain, node-fetch's Headers/Body streams), which cost more CPU
 * than the rest of a call (issue 13). The request is the one the generated client
 * sends: same path, query, JSON body, Accept, Content-Type, User-Agent, Bearer token,
 * node-fetch's gzip/deflate offer (and decoding), X-Request-Id and trace context; the
 * same agent view aborts it. It fills `capture` as callOptions' middleware does, and
 * rejects with the socket's error (its `code` classified by errorCode) when no answer came.
 */
export function sendRaw(
  base: URL, accessToken: string, req: RawRequest, capture: Capture, agent: http.Agent, requestId: string | undefined, signal?: AbortSignal,
): Promise<void> {
  let path = base.pathname.replace(/\/+$/, '') + req.path;
  if (req.query?.length) path += `?${new URLSearchParams(req.query).toString()}`;
  const headers: Record<string, string> = { Accept: ACCEPT, 'User-Agent': USER_AGENT, Authorization: `Bearer ${accessToken}`, 'Accept-Encoding': 'gzip,deflate' };
  // The body as a string: Node writes it with the head in one write (a Buffer goes out as a second chunk, by writev).
  let body: string | undefined;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  } else if (req.method === 'POST') headers['Content-Length'] = '0';
  if (requestId !== undefined && FORWARDABLE_REQUEST_ID.test(requestId)) headers['X-Request-Id'] = requestId;
  injectContext({ set: (name, value) => { headers[name] = value; } });
  const send = base.protocol === 'https:' ? https.request : http.request;
  return new Promise<void>((resolve, reject) => {
    const request = send({
      protocol: base.protocol, hostname: base.hostname, port: base.port, path, method: req.method, headers,
      agent: signal ? abortingAgent(agent, signal) : agent,
    }, (res) => {
      const coding = res.headers['content-encoding'];
      let stream: NodeJS.ReadableStream = res;
      if (coding === 'gzip' || coding === 'x-gzip') stream = res.pipe(zlib.createGunzip(ZLIB));
      else if (coding === 'deflate' || coding === 'x-deflate') stream = res.pipe(zlib.createInflate(ZLIB));
      else if (coding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('HubSpot answer cut off'), { code: CONNECTION_RESET })));
      stream.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        capture.status = res.statusCode;
        capture.headers = flat;
        recordRateLimitRemaining('hubspot', flat['x-hubspot-ratelimit-remaining']);
        capture.text = Buffer.concat(chunks).toString('utf8');
        resolve();
      });
    });
    request.on('error', reject);
    if (body === undefined) request.end();
    else request.end(body, 'utf8');
  });
}

/** Node's own code for a connection cut mid-answer (a system code, not one of policy/errors.ts's). */
const CONNECTION_RESET = 'ECONNRESET';

/** Walk an error's cause chain for a system error code (ECONNREFUSED, HUBSPOT_TIMEOUT, …). */
export function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth += 1) {
    const c = cur as { code?: unknown; errno?: unknown; cause?: unknown; message?: unknown };
    if (typeof c.code === 'string' && c.code !== '') return c.code;
    if (typeof c.errno === 'string' && c.errno !== '') return c.errno;
    cur = c.cause;
  }
  const msg = String((e as { message?: unknown })?.message ?? '');
  if (msg.includes('timed out')) return TIMEOUT_CODE;
  if (/socket hang up/i.test(msg)) return CONNECTION_RESET;
  return undefined;
}
