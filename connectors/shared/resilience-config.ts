// The resilience settings (resilience.ts) as one backend's environment variables,
// <PREFIX>_TIMEOUT_MS … <PREFIX>_BREAKER_HALF_OPEN_MS: names, meanings and shared
// bounds written once; each connector's config gives only what differs for its
// backend (timeout, concurrency and retry bounds and defaults).
import { z } from 'zod';
import { RESILIENCE_DEFAULTS, type ResilienceSettings } from './resilience.ts';

/** Unset and empty variables both mean "use the default". */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema);

export const intVar = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Each setting's variable, after the backend's prefix. */
const VARIABLE = {
  timeoutMs: 'TIMEOUT_MS',
  maxConcurrency: 'MAX_CONCURRENCY',
  maxRetries: 'MAX_RETRIES',
  retryBaseMs: 'RETRY_BASE_MS',
  maxRetryAfterMs: 'MAX_RETRY_AFTER_MS',
  maxQueue: 'MAX_QUEUE',
  breakerFailures: 'BREAKER_FAILURES',
  breakerHalfOpenMs: 'BREAKER_HALF_OPEN_MS',
} as const satisfies Record<keyof ResilienceSettings, string>;
type Setting = keyof typeof VARIABLE;

/** The variables of one backend, e.g. ODOO_TIMEOUT_MS, as parsed. */
export type ResilienceVariables<P extends string> = { [S in Setting as `${P}_${(typeof VARIABLE)[S]}`]: number };

/** What differs between backends. */
export interface BackendResilienceBounds {
  timeoutMs: { max: number; default: number };
  maxConcurrency: { max: number; default: number };
  maxRetries: { max: number; default: number };
  retryBaseMs: { default: number };
}

/** The zod fields of one backend's resilience variables, to spread into its config schema. */
export function resilienceVariables<P extends string>(prefix: P, bounds: BackendResilienceBounds): { [K in keyof ResilienceVariables<P>]: z.ZodType<number, unknown> } {
  const settings: Record<Setting, z.ZodType<number, unknown>> = {
    /** Per-attempt timeout, covering connect, headers and body. */
    timeoutMs: intVar(100, bounds.timeoutMs.max).default(bounds.timeoutMs.default),
    /** Requests in flight at once from this process. */
    maxConcurrency: intVar(1, bounds.maxConcurrency.max).default(bounds.maxConcurrency.default),
    /** Retries after the first attempt (which failures are retried is the backend's rule, connectors/<backend>/errors.ts). */
    maxRetries: intVar(0, bounds.maxRetries.max).default(bounds.maxRetries.default),
    /** First retry delay; doubles per retry (with jitter), capped at BACKOFF_CAP_FACTOR× (resilience.ts). */
    retryBaseMs: intVar(0, 60_000).default(bounds.retryBaseMs.default),
    /** Longest Retry-After the connector waits for; beyond it the 429 is reported at once. */
    maxRetryAfterMs: intVar(0, 600_000).default(RESILIENCE_DEFAULTS.maxRetryAfterMs),
    /** Calls waiting for one of the concurrency slots; more are refused (BACKEND_UNAVAILABLE) rather than queued without end. */
    maxQueue: intVar(0, 100_000).default(RESILIENCE_DEFAULTS.maxQueue),
    /** Consecutive calls failing with the backend unhealthy (5xx, timeout, connection) that open the circuit breaker. */
    breakerFailures: intVar(1, 1000).default(RESILIENCE_DEFAULTS.breakerFailures),
    /** How long the open breaker refuses calls before one probe call may test the backend again. */
    breakerHalfOpenMs: intVar(10, 3_600_000).default(RESILIENCE_DEFAULTS.breakerHalfOpenMs),
  };
  return Object.fromEntries(
    (Object.keys(VARIABLE) as Setting[]).map((s) => [`${prefix}_${VARIABLE[s]}`, optional(settings[s])]),
  ) as unknown as { [K in keyof ResilienceVariables<P>]: z.ZodType<number, unknown> };
}

/** The parsed variables of one backend as ResilienceSettings. */
export function resilienceSettings<P extends string>(prefix: P, env: ResilienceVariables<P>): ResilienceSettings {
  const values = env as Record<string, number>;
  return Object.fromEntries((Object.keys(VARIABLE) as Setting[]).map((s) => [s, values[`${prefix}_${VARIABLE[s]}`]])) as unknown as ResilienceSettings;
}
