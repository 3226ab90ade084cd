// One logger for every component. Secrets and personal data never reach a log
// line (R6): credentials, tokens and contact details are redacted by path, and
// code logs ids and counts, not payloads. Every line written while a request is
// handled carries its request id and trace id (the mixin reads them from the
// request's async context), so one grep follows a request across components.
import { AsyncLocalStorage } from 'node:async_hooks';
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

const requestScope = new AsyncLocalStorage<RequestRecord>();

/** Runs `fn` as the handling of one request: log lines written inside carry its id. */
export function withRequest<T>(record: RequestRecord, fn: () => T): T {
  return requestScope.run(record, fn);
}

/** The request being handled, if any. */
export function currentRequest(): RequestRecord | undefined {
  return requestScope.getStore();
}

function correlation(): Record<string, string> {
  const requestId = requestScope.getStore()?.requestId;
  const traceId = activeTraceId();
  return { ...(requestId ? { requestId } : {}), ...(traceId ? { traceId } : {}) };
}

/** LOG_LEVEL filters (trace, debug, info, warn, error, fatal, silent); tests are silent unless it is set. */
export function createLogger(component: string, level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'), destination?: DestinationStream): Logger {
  const options = { name: component, level, redact: { paths: REDACT, censor: '[redacted]' }, mixin: correlation };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
