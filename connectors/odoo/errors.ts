// Odoo failures → the project's error registry. Both transports funnel through
// here, so the same Odoo error gives the same code whatever the wire:
//   AccessDenied / 401 / SessionExpired           → BACKEND_AUTH_FAILED
//   AccessError / 403                              → BACKEND_ACCESS_DENIED
//   MissingError                                   → BACKEND_RECORD_MISSING
//   UserError / ValidationError / ValueError /
//     TypeError (bad arguments) / 422              → BACKEND_VALIDATION
//   LockError / serialization failure / 409        → BACKEND_CONFLICT
//   429 (after retries)                            → BACKEND_RATE_LIMITED
//   5xx without an Odoo error body / timeout /
//     connection refused or reset / DB down        → BACKEND_UNAVAILABLE
//   non-JSON answer or wrong envelope              → BACKEND_PROTOCOL
//   anything else (unknown model/method, bugs)     → BACKEND_ERROR
// `details` carry system, backendName, model, method and httpStatus — never Odoo's
// message text (it names users and records), its `debug` traceback, or the API key.
import { appError, isAppError, type AppError, type ErrorDetails, type ErrorKey } from '../../policy/errors.ts';
import type { Verdict } from '../shared/resilience.ts';

export interface OdooErrorBody {
  name: string;
  message: string;
  arguments?: unknown;
}

export interface CallSite {
  model: string;
  method: string;
}

const base = (site: CallSite, extra: ErrorDetails = {}): ErrorDetails => ({ system: 'odoo', model: site.model, method: site.method, ...extra });

/** Is this an Odoo serialized exception (`{name, message, …}`)? */
export function isOdooErrorBody(v: unknown): v is OdooErrorBody {
  return Boolean(v) && typeof v === 'object' && typeof (v as OdooErrorBody).name === 'string' && typeof (v as OdooErrorBody).message === 'string';
}

function keyForName(name: string, message: string): ErrorKey | undefined {
  const short = name.split('.').pop() ?? name;
  switch (short) {
    case 'AccessDenied':
    case 'SessionExpiredException':
    case 'Unauthorized':
      return 'BACKEND_AUTH_FAILED';
    case 'AccessError':
    case 'Forbidden':
      return 'BACKEND_ACCESS_DENIED';
    case 'MissingError':
      return 'BACKEND_RECORD_MISSING';
    case 'LockError':
    case 'ConcurrencyError':
    case 'SerializationFailure':
    case 'TransactionRollbackError':
    case 'DeadlockDetected':
    case 'LockNotAvailable':
      return 'BACKEND_CONFLICT';
    case 'UserError':
      // JSON-RPC reports an unknown model as UserError("Object x doesn't exist"); JSON-2 as a 404.
      // Both are a configuration problem, not bad values: same code on both transports.
      if (/^Object \S+ doesn't exist$/.test(message)) return 'BACKEND_ERROR';
      return 'BACKEND_VALIDATION';
    case 'ValidationError':
    case 'RedirectWarning':
    case 'ValueError':
    case 'TypeError':
    case 'UnprocessableEntity':
    case 'IntegrityError':
    case 'NotNullViolation':
    case 'ForeignKeyViolation':
    case 'UniqueViolation':
    case 'CheckViolation':
      return 'BACKEND_VALIDATION';
    case 'OperationalError':
    case 'InterfaceError':
    case 'PoolError':
    case 'ServiceUnavailable':
    case 'BadGateway':
    case 'GatewayTimeout':
      return 'BACKEND_UNAVAILABLE';
    default:
      return undefined;
  }
}

/** An Odoo-serialized error (JSON-2 body or JSON-RPC `error.data`) → AppError. */
export function fromOdooError(site: CallSite, body: OdooErrorBody, httpStatus: number): AppError {
  // Name first; the status only decides for unnamed 4xx classes. An Odoo-serialized 500 with an
  // unknown name is an Odoo-side bug (BACKEND_ERROR) — JSON-RPC reports the same one with HTTP 200.
  const key = keyForName(body.name, body.message) ?? (httpStatus < 500 ? keyForStatus(httpStatus) : undefined) ?? 'BACKEND_ERROR';
  // Odoo's own text names users, logins and record ids ("Sorry, alice (id=7) doesn't have
  // 'read' access to: … (sale.order: 42)"): it is not kept — not in the message, not in the
  // details, so neither a caller nor a log line sees it. What is kept is the exception
  // class (backendName) and, for an invalid field, the field name, which is ours.
  const message = key === 'BACKEND_AUTH_FAILED' ? 'Odoo refused the configured credentials' : `Odoo ${shortName(body.name)} on ${site.model}.${site.method}`;
  const field = /^Invalid field '([\w.]+)'/.exec(body.message)?.[1];
  return appError(key, message, base(site, { backendName: body.name, httpStatus, ...(field ? { field } : {}) }));
}

function shortName(name: string): string {
  return name.split('.').pop() ?? name;
}

function keyForStatus(status: number): ErrorKey | undefined {
  if (status === 401) return 'BACKEND_AUTH_FAILED';
  if (status === 403) return 'BACKEND_ACCESS_DENIED';
  if (status === 409) return 'BACKEND_CONFLICT';
  if (status === 422) return 'BACKEND_VALIDATION';
  if (status === 429) return 'BACKEND_RATE_LIMITED';
  if (status >= 500) return 'BACKEND_UNAVAILABLE';
  return undefined;
}

/** A non-2xx HTTP answer without an Odoo error body (proxy pages, load balancers, 429). */
export function fromHttpStatus(site: CallSite, status: number, retryAfterMs?: number): AppError {
  const key = keyForStatus(status) ?? (status === 404 ? 'BACKEND_ERROR' : 'BACKEND_PROTOCOL');
  const details = base(site, { httpStatus: status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  if (key === 'BACKEND_RATE_LIMITED') return appError(key, 'Odoo answered 429 Too Many Requests', details);
  if (key === 'BACKEND_UNAVAILABLE') return appError(key, `Odoo answered HTTP ${status}`, details);
  return appError(key, `Odoo answered HTTP ${status} without an Odoo error body`, details);
}

export function protocolError(site: CallSite, why: string, httpStatus?: number): AppError {
  return appError('BACKEND_PROTOCOL', `Odoo answered something that is not its protocol: ${why}`, base(site, httpStatus !== undefined ? { httpStatus } : {}));
}

export function unavailable(site: CallSite, why: string, extra: ErrorDetails = {}, cause?: unknown): AppError {
  return appError('BACKEND_UNAVAILABLE', `Odoo is unavailable: ${why}`, base(site, extra), cause);
}

/** Parse a Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Gateway statuses a proxy in front of Odoo answers while Odoo restarts or is overloaded. */
const TRANSIENT_STATUS = new Set([502, 503, 504]);

/**
 * How the resilience policy treats a failed attempt. Retried (read methods only —
 * `idempotent`): 429, 502/503/504 and connection errors; not a plain 500 (an Odoo
 * bug answers the same again) nor a timeout (the read may still be running).
 * Unhealthy, for the circuit breaker: every BACKEND_UNAVAILABLE (5xx without an Odoo
 * error body, timeouts, connection errors, database down) except a caller's abort.
 */
export function classifyOdooFailure(err: unknown, idempotent: boolean): Verdict {
  if (!isAppError(err)) return { retry: false, unhealthy: false, reason: 'INTERNAL' };
  const status = err.details.httpStatus;
  const unavailable = err.key === 'BACKEND_UNAVAILABLE' && err.details.aborted !== true;
  const transient =
    err.key === 'BACKEND_RATE_LIMITED' ||
    (unavailable && ((typeof status === 'number' && TRANSIENT_STATUS.has(status)) || err.details.connection === true));
  return {
    retry: idempotent && transient,
    ...(typeof err.details.retryAfterMs === 'number' ? { retryAfterMs: err.details.retryAfterMs } : {}),
    unhealthy: unavailable,
    reason: err.code,
    ...(typeof status === 'number' ? { httpStatus: status } : {}),
  };
}
