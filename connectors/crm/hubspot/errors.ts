// HubSpot failures → the project's error registry. Every AppError built here carries
// system 'hubspot', the HTTP status HubSpot answered, HubSpot's own category /
// errorType / policyName as backendName and its correlationId — never the token.
import { appError, ERRORS, isAppError, type AppError, type ErrorKey } from '../../../policy/errors.ts';
import type { Verdict } from '../../shared/resilience.ts';
import { errorBodySchema, type HubSpotErrorBody } from './wire.ts';
import { TIMEOUT_CODE } from './transport.ts';

export interface CallDescription {
  operation: string;
  objectType?: string;
  recordId?: string;
}

/** One failed attempt, as seen on the wire. */
export type AttemptFailure =
  | { kind: 'http'; status: number; body: HubSpotErrorBody; headers: Record<string, string> }
  | { kind: 'network'; code: string | undefined; cause: unknown }
  | { kind: 'timeout'; cause: unknown }
  | { kind: 'protocol'; status: number; reason: string; error?: AppError };

export const LOCKED_DELAY_MS = 2000;

/** Connection refused / DNS failures: the request never reached HubSpot, so any call may be retried. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function parseErrorBody(text: string | undefined): HubSpotErrorBody {
  if (!text) return {};
  try {
    const r = errorBodySchema.safeParse(JSON.parse(text));
    if (r.success) return r.data;
  } catch {
    // an HTML page from the edge, or nothing useful
  }
  return { message: text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) };
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return v === undefined ? undefined : String(v);
}

/** The per-second (search) limit; HubSpot's answer may name it only in the message. */
function isSecondly(body: HubSpotErrorBody): boolean {
  return body.policyName === 'SECONDLY' || /secondly limit/i.test(body.message ?? '');
}

/** How long HubSpot says to wait, when it says (Retry-After) or implies (the window of an exhausted policy). */
export function retryAfterMs(f: AttemptFailure): number | undefined {
  if (f.kind !== 'http') return undefined;
  // 423 Locked: HubSpot's object API guide asks for "a delay of at least 2 seconds".
  if (f.status === 423) return LOCKED_DELAY_MS;
  if (f.status !== 429) return undefined;
  const ra = header(f.headers, 'retry-after');
  if (ra !== undefined) {
    const secs = Number(ra);
    if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  if (f.body.policyName === 'DAILY') return undefined;
  if (isSecondly(f.body)) return 1000;
  const interval = Number(header(f.headers, 'x-hubspot-ratelimit-interval-milliseconds'));
  return Number.isFinite(interval) && interval > 0 ? interval : undefined;
}

/** May this failure be retried, given whether the call is idempotent? */
export function isRetryable(f: AttemptFailure, idempotent: boolean): boolean {
  switch (f.kind) {
    case 'http':
      if (f.status === 429) return f.body.policyName !== 'DAILY';
      if (f.status === 423) return true; // refused before processing, like a 429
      return f.status >= 500 && idempotent;
    case 'network':
      return (f.code !== undefined && NEVER_SENT.has(f.code)) || idempotent;
    case 'timeout':
      return idempotent;
    case 'protocol':
      return false;
  }
}

/** A failed attempt on its way through the resilience policy; it becomes an AppError (toAppError) once attempts are over. */
export class HubSpotAttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(`HubSpot attempt failed (${failure.kind === 'http' ? `HTTP ${failure.status}` : failure.kind})`);
    this.name = 'HubSpotAttemptError';
  }
}

/**
 * How the resilience policy treats a failed attempt: retried as isRetryable says,
 * waiting at least what HubSpot asked for — a Retry-After header, 2 s on 423 Locked,
 * 1 s for the SECONDLY (search) policy. The ten-second rolling window is not waited
 * out (it frees up gradually; the jittered backoff comes sooner) — only reported.
 * Unhealthy, for the circuit breaker: 5xx, timeouts and connection failures — not
 * 4xx, 429/423 (HubSpot is up and pacing us) nor malformed payloads.
 */
export function classifyHubSpotFailure(err: unknown, idempotent: boolean): Verdict {
  if (!(err instanceof HubSpotAttemptError)) return { retry: false, unhealthy: false, reason: isAppError(err) ? err.code : ERRORS.INTERNAL.code };
  const f = err.failure;
  const httpStatus = f.kind === 'http' || f.kind === 'protocol' ? f.status : undefined;
  const asked =
    f.kind === 'http' && (f.status === 423 || header(f.headers, 'retry-after') !== undefined || (f.status === 429 && isSecondly(f.body))) ? retryAfterMs(f) : undefined;
  return {
    retry: isRetryable(f, idempotent),
    ...(asked !== undefined ? { retryAfterMs: asked } : {}),
    unhealthy: f.kind === 'timeout' || f.kind === 'network' || (f.kind === 'http' && f.status >= 500),
    reason: f.kind === 'http' ? String(f.status) : f.kind,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
}

function keyForStatus(status: number): ErrorKey {
  if (status === 401) return 'BACKEND_AUTH_FAILED';
  if (status === 403) return 'BACKEND_ACCESS_DENIED';
  if (status === 404) return 'BACKEND_RECORD_MISSING';
  if (status === 409) return 'BACKEND_CONFLICT';
  if (status === 429 || status === 423) return 'BACKEND_RATE_LIMITED';
  if (status >= 500) return 'BACKEND_UNAVAILABLE';
  if (status === 400 || status === 422 || status === 413 || status === 414) return 'BACKEND_VALIDATION';
  return 'BACKEND_ERROR';
}

export function toAppError(f: AttemptFailure, call: CallDescription, attempts: number): AppError {
  const where = `HubSpot ${call.operation}${call.objectType ? ` ${call.objectType}` : ''}${call.recordId ? ` ${call.recordId}` : ''}`;
  const base = {
    system: 'hubspot' as const,
    operation: call.operation,
    ...(call.objectType ? { model: call.objectType } : {}),
    ...(call.recordId ? { recordId: call.recordId } : {}),
    attempts,
  };
  switch (f.kind) {
    case 'http': {
      const key = keyForStatus(f.status);
      const backendName = f.body.policyName ?? f.body.category ?? f.body.errorType;
      const wait = retryAfterMs(f);
      const message =
        key === 'BACKEND_RATE_LIMITED'
          ? `${where}: rate limited by HubSpot (${f.status === 423 ? 'LOCKED' : (f.body.policyName ?? 'unknown policy')}) after ${attempts} attempt(s)`
          : `${where} failed with HTTP ${f.status}${f.body.message ? `: ${f.body.message}` : ''}`;
      return appError(key, message, {
        ...base,
        httpStatus: f.status,
        ...(backendName ? { backendName } : {}),
        ...(f.body.correlationId ? { correlationId: f.body.correlationId } : {}),
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    }
    case 'timeout':
      return appError('BACKEND_UNAVAILABLE', `${where} timed out after ${attempts} attempt(s)`, { ...base, backendName: TIMEOUT_CODE, timeout: true }, f.cause);
    case 'network':
      return appError('BACKEND_UNAVAILABLE', `${where}: HubSpot unreachable (${f.code ?? 'connection failed'}) after ${attempts} attempt(s)`, {
        ...base,
        ...(f.code ? { backendName: f.code } : {}),
      }, f.cause);
    case 'protocol':
      if (f.error) {
        Object.assign(f.error.details, { ...base, ...f.error.details, httpStatus: f.status });
        return f.error;
      }
      return appError('BACKEND_PROTOCOL', `${where}: ${f.reason}`, { ...base, httpStatus: f.status });
  }
}
