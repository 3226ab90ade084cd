// One HTTP POST of a JSON body with undici, bounded by the attempt's AbortSignal
// (the resilience policy aborts it at the per-attempt deadline or when the caller
// gives up, and tells the two apart). Network failures become AppError
// BACKEND_UNAVAILABLE with `details.connection` / `details.aborted` so the client
// can decide what is retryable.
import { Agent, request } from 'undici';
import { unavailable, type CallSite } from './errors.ts';
import { injectContext } from '../../core/tracing.ts';
import { CLIENT_KEEP_ALIVE_IDLE_MS } from '../../core/http.ts';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
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
    const res = await request(url, {
      method,
      headers: { ...(method === 'POST' ? { 'content-type': 'application/json; charset=utf-8' } : {}), accept: 'application/json', ...traced, ...headers },
      ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
      signal,
      dispatcher: agent,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
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
