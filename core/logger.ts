// One logger for every component. Secrets and personal data never reach a log
// line (R6): credentials, tokens and contact details are redacted by path, and
// code logs ids and counts, not payloads. Every line written while a request is
// handled carries its request id and trace id (the mixin reads them from the
// request's async context), so one grep follows a request across components.
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { activeTraceId } from './tracing.ts';

const REDACT = [
  'authorization', 'headers.authorization', 'req.headers.authorization', '*.authorization',
  'apiKey', '*.apiKey', 'token', '*.token', 'accessToken', '*.accessToken', 'password', '*.password',
  'email', '*.email', 'phone', '*.phone', 'vat', '*.vat',
];

/** What a component knows about the request being handled (filled in as it goes). */
export interface RequestRecord {
  requestId: string;
  operationName?: string | null;
  /** The caller's roles (comma-separated): never the token or the person. */
  role?: string;
  outcome?: 'ok' | 'partial' | 'error';
  /** Registered error codes of the response, for the request's log line. */
  codes?: string[];
}

/**
 * Where the request being handled rides: on the OpenTelemetry context, which the
 * context manager initTracing registers carries across awaits (the servers of
 * core/http.ts call initTracing before handling anything). Not an AsyncLocalStorage
 * of its own: on Node 20 every promise pays for each one in the process (about 70 ns
 * per promise for a second one), and a request makes hundreds of promises.
 */
const REQUEST_RECORD = createContextKey('odoo-crm-supergraph request record');

/** Runs `fn` as the handling of one request (in `base`, by default the active context): log lines written inside carry its id. */
export function withRequest<T>(record: RequestRecord, fn: () => T, base: Context = context.active()): T {
  return context.with(base.setValue(REQUEST_RECORD, record), fn);
}

/** The request being handled, if any. */
export function currentRequest(): RequestRecord | undefined {
  return context.active().getValue(REQUEST_RECORD) as RequestRecord | undefined;
}

function correlation(): Record<string, string> {
  const requestId = currentRequest()?.requestId;
  const traceId = activeTraceId();
  return { ...(requestId ? { requestId } : {}), ...(traceId ? { traceId } : {}) };
}

/** LOG_LEVEL filters (trace, debug, info, warn, error, fatal, silent); tests are silent unless it is set. */
export function createLogger(component: string, level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'), destination?: DestinationStream): Logger {
  const options = { name: component, level, redact: { paths: REDACT, censor: '[redacted]' }, mixin: correlation };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
