// One HTTP request of a JSON body with undici, bounded by the attempt's AbortSignal
// (the resilience policy aborts it at the per-attempt deadline or when the caller
// gives up, and tells the two apart). Network failures become AppError
// BACKEND_UNAVAILABLE with `details.connection` / `details.aborted` so the client
// can decide what is retryable.
//
// Sent through the agent's `dispatch` with a handler of our own, not `undici.request`:
// the same request on the wire (method, path, headers, body), without what `request`
// adds per call for a caller that wants a stream (a URL parsed per call, an
// AsyncResource, a Readable for the body, every response header parsed). The body is
// collected as undici's `body.text()` collects it (UTF-8, a leading BOM skipped).
import { Agent, util as undiciUtil, type Dispatcher } from 'undici';
import { unavailable, type CallSite } from './errors.ts';
import { injectContext } from '../../core/tracing.ts';
import { CLIENT_KEEP_ALIVE_IDLE_MS } from '../../core/http.ts';

export interface HttpAnswer {
  status: number;
  /** Response headers, lower-case names (parsed when first read: only failures read them). */
  readonly headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function createAgent(maxConcurrency: number): Agent {
  return new Agent({ connections: Math.max(1, maxConcurrency), keepAliveTimeout: CLIENT_KEEP_ALIVE_IDLE_MS, keepAliveMaxTimeout: 30_000 });
}

export async function postJson(
  agent: Agent,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  site: CallSite,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  return send(agent, url, 'POST', body, headers, site, signal);
}

/** A GET with no body (Odoo 19's /web/version). */
export function getJson(agent: Agent, url: string, headers: Record<string, string>, site: CallSite, signal?: AbortSignal): Promise<HttpAnswer> {
  return send(agent, url, 'GET', undefined, headers, site, signal);
}

/**
 * Origin and path of a URL as `undici.request` derives them (WHATWG URL: dot segments
 * resolved, the query kept), parsed once per URL: a client calls a handful of them.
 */
const TARGETS = new Map<string, { origin: string; path: string }>();
const MAX_TARGETS = 1000;
function targetOf(url: string): { origin: string; path: string } {
  let t = TARGETS.get(url);
  if (!t) {
    const u = new URL(url);
    t = { origin: u.origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname };
    if (TARGETS.size >= MAX_TARGETS) TARGETS.clear();
    TARGETS.set(url, t);
  }
  return t;
}

class Answer implements HttpAnswer {
  private parsed: Record<string, string | string[] | undefined> | undefined;
  constructor(
    readonly status: number,
    private readonly rawHeaders: Buffer[],
    readonly text: string,
  ) {}
  get headers(): Record<string, string | string[] | undefined> {
    return (this.parsed ??= undiciUtil.parseHeaders(this.rawHeaders));
  }
}

/** UTF-8 text of the body's chunks, a leading byte-order mark skipped (undici's body.text()). */
function decode(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString('utf8', start, length);
}

/** One request and its whole answer; rejects with undici's error (or the signal's reason when aborted). */
function exchange(agent: Dispatcher, url: string, method: 'GET' | 'POST', headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<Answer> {
  const { origin, path } = targetOf(url);
  return new Promise<Answer>((resolve, reject) => {
    let abort: ((reason?: Error) => void) | undefined;
    let reason: unknown;
    let status = 0;
    let raw: Buffer[] = [];
    const chunks: Buffer[] = [];
    let length = 0;
    const onAbort = () => {
      reason = signal!.reason;
      if (abort) abort(reason as Error);
      reject(reason);
    };
    const done = () => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    agent.dispatch(
      { origin, path, method, headers, ...(body !== undefined ? { body } : {}) },
      {
        onConnect(abortRequest) {
          if (signal?.aborted) abortRequest((reason ?? signal.reason) as Error);
          else abort = abortRequest;
        },
        onHeaders(statusCode, rawHeaders) {
          // 1xx informational answers are not the response.
          if (statusCode < 200) return true;
          status = statusCode;
          raw = rawHeaders as Buffer[];
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          length += chunk.length;
          return true;
        },
        onComplete() {
          done();
          try {
            resolve(new Answer(status, raw, decode(chunks, length)));
          } catch (e) {
            reject(e);
          }
        },
        onError(err) {
          done();
          reject(err);
        },
      } as Dispatcher.DispatchHandler,
    );
  });
}

async function send(
  agent: Agent,
  url: string,
  method: 'GET' | 'POST',
  body: unknown,
  headers: Record<string, string>,
  site: CallSite,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  if (signal?.aborted) throw unavailable(site, 'request aborted', { aborted: true });
  // The backend call's trace context (`traceparent`), for an Odoo behind a tracing proxy.
  const traced: Record<string, string> = {};
  injectContext({ set: (name, value) => (traced[name] = value) });
  try {
    return await exchange(
      agent,
      url,
      method,
      { ...(method === 'POST' ? { 'content-type': 'application/json; charset=utf-8' } : {}), accept: 'application/json', ...traced, ...headers },
      method === 'POST' ? JSON.stringify(body) : undefined,
      signal,
    );
  } catch (e) {
    if (signal?.aborted) throw unavailable(site, 'request aborted', { aborted: true });
    const err = e as { code?: string; message?: string; cause?: { code?: string } };
    const code = err?.code ?? err?.cause?.code;
    throw unavailable(site, `connection failed (${code ?? err?.message ?? 'unknown error'})`, { connection: true, ...(code ? { errno: code } : {}) }, e);
  }
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
