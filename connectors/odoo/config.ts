// Odoo connector configuration, read from the environment and validated once at
// start-up. The same code reaches a real Odoo (https://acme.odoo.com) or the
// sandbox (http://127.0.0.1:8069): only ODOO_URL, the database and the key differ.

import { z } from 'zod';
import { parseEnv, redactWhenPrinted } from '../../core/env.ts';
import { RESILIENCE_DEFAULTS } from '../shared/resilience.ts';

/** Unset and empty variables both mean "use the default". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema);
const intVar = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const odooConfigSchema = z
  .object({
    /** Server origin, e.g. https://acme.odoo.com (no path). */
    ODOO_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** Database name: required for JSON-RPC; sent as X-Odoo-Database with JSON-2 when set. */
    ODOO_DB: optional(z.string().trim().min(1).optional()),
    /** Login of the integration user: required for JSON-RPC (authenticate). */
    ODOO_LOGIN: optional(z.string().trim().min(1).optional()),
    /** API key of the integration user (Preferences → Account Security → New API Key). */
    ODOO_API_KEY: z.string({ error: 'is required' }).trim().min(1, 'is required'),
    /** `json2` (Odoo 19+, default) or `jsonrpc` (Odoo 14–19; deprecated in 19). */
    ODOO_PROTOCOL: optional(z.enum(['json2', 'jsonrpc'], { error: "must be 'json2' or 'jsonrpc'" }).default('json2')),
    /** Per-attempt timeout (connect + headers + body). */
    ODOO_TIMEOUT_MS: optional(intVar(100, 300_000).default(10_000)),
    /** Requests in flight at once from this process (Odoo staging allows very little). */
    ODOO_MAX_CONCURRENCY: optional(intVar(1, 64).default(4)),
    /** Retries after the first attempt, read methods only (429 / 502 / 503 / 504 / connection errors). */
    ODOO_MAX_RETRIES: optional(intVar(0, 8).default(2)),
    /** First retry delay; doubles per retry (with jitter), capped at BACKOFF_CAP_FACTOR× (connectors/shared/resilience.ts). */
    ODOO_RETRY_BASE_MS: optional(intVar(0, 60_000).default(250)),
    /** Longest Retry-After the connector waits for; beyond it the 429 is reported at once. */
    ODOO_MAX_RETRY_AFTER_MS: optional(intVar(0, 600_000).default(RESILIENCE_DEFAULTS.maxRetryAfterMs)),
    /** Calls waiting for one of the ODOO_MAX_CONCURRENCY slots; more are refused (BACKEND_UNAVAILABLE) rather than queued without end. */
    ODOO_MAX_QUEUE: optional(intVar(0, 100_000).default(RESILIENCE_DEFAULTS.maxQueue)),
    /** Consecutive calls failing with Odoo unhealthy (5xx, timeout, connection) that open the circuit breaker. */
    ODOO_BREAKER_FAILURES: optional(intVar(1, 1000).default(RESILIENCE_DEFAULTS.breakerFailures)),
    /** How long the open breaker refuses calls before one probe call may test Odoo again. */
    ODOO_BREAKER_HALF_OPEN_MS: optional(intVar(10, 3_600_000).default(RESILIENCE_DEFAULTS.breakerHalfOpenMs)),
  })
  .superRefine((env, ctx) => {
    if (env.ODOO_PROTOCOL === 'jsonrpc') {
      if (!env.ODOO_DB) ctx.addIssue({ code: 'custom', path: ['ODOO_DB'], message: 'is required when ODOO_PROTOCOL=jsonrpc' });
      if (!env.ODOO_LOGIN) ctx.addIssue({ code: 'custom', path: ['ODOO_LOGIN'], message: 'is required when ODOO_PROTOCOL=jsonrpc' });
    }
  })
  .transform((env) => ({
    url: env.ODOO_URL.replace(/\/+$/, ''),
    db: env.ODOO_DB,
    login: env.ODOO_LOGIN,
    apiKey: env.ODOO_API_KEY,
    protocol: env.ODOO_PROTOCOL,
    timeoutMs: env.ODOO_TIMEOUT_MS,
    maxConcurrency: env.ODOO_MAX_CONCURRENCY,
    maxRetries: env.ODOO_MAX_RETRIES,
    retryBaseMs: env.ODOO_RETRY_BASE_MS,
    maxRetryAfterMs: env.ODOO_MAX_RETRY_AFTER_MS,
    maxQueue: env.ODOO_MAX_QUEUE,
    breakerFailures: env.ODOO_BREAKER_FAILURES,
    breakerHalfOpenMs: env.ODOO_BREAKER_HALF_OPEN_MS,
  }));

/**
 * `{ url, db?, login?, apiKey, protocol, timeoutMs, maxConcurrency, maxRetries, retryBaseMs, maxRetryAfterMs,
 *    maxQueue, breakerFailures, breakerHalfOpenMs }` — the connection and the ResilienceSettings.
 * Build it with loadOdooConfig (env) or by hand in tests.
 */
export type OdooConfig = z.output<typeof odooConfigSchema>;

/** The config with the key masked, for logs and error messages. */
export function describeOdooConfig(config: OdooConfig): Omit<OdooConfig, 'apiKey'> & { apiKey: string } {
  return { ...config, apiKey: config.apiKey ? '[redacted]' : '' };
}

/**
 * Read and validate ODOO_* variables. A bad value throws AppError CONFIG_INVALID
 * naming the variable (never echoing the key). The returned object redacts the key
 * when serialised or inspected, so logging it by mistake does not leak it.
 */
export function loadOdooConfig(env: Record<string, string | undefined> = process.env): OdooConfig {
  return redactWhenPrinted(parseEnv(odooConfigSchema, env, { label: 'Odoo', system: 'odoo' }), describeOdooConfig);
}
