// HubSpot connector configuration, read from the environment and validated once at
// start-up. The same code reaches a real portal (https://api.hubapi.com) or the
// sandbox (http://127.0.0.1:8090) — only HUBSPOT_BASE_URL and the token differ.

import { z } from 'zod';
import { parseEnv, redactWhenPrinted } from '../../../core/env.ts';
import { RESILIENCE_DEFAULTS } from '../../shared/resilience.ts';

/** Unset and empty variables both mean "use the default". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema);

const intVar = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const hubspotConfigSchema = z
  .object({
    /** API origin; https://api.hubapi.com for real portals. */
    HUBSPOT_BASE_URL: optional(
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .default('https://api.hubapi.com'),
    ),
    /** Private app access token (Bearer). */
    HUBSPOT_ACCESS_TOKEN: z.string({ error: 'is required' }).trim().min(1, 'is required'),
    /** Per-attempt timeout, covering connect, headers and body. */
    HUBSPOT_TIMEOUT_MS: optional(intVar(100, 120_000).default(10_000)),
    /** Retries after the first attempt (429 / 5xx / network), 0–6. */
    HUBSPOT_MAX_RETRIES: optional(intVar(0, 6).default(2)),
    /** Requests in flight at once from this process. */
    HUBSPOT_MAX_CONCURRENCY: optional(intVar(1, 50).default(8)),
    /** First retry delay; doubles per retry (with jitter), capped at BACKOFF_CAP_FACTOR× (connectors/shared/resilience.ts). */
    HUBSPOT_RETRY_BASE_MS: optional(intVar(0, 60_000).default(300)),
    /** Longest Retry-After the connector waits for; beyond it the 429 is reported at once. */
    HUBSPOT_MAX_RETRY_AFTER_MS: optional(intVar(0, 600_000).default(RESILIENCE_DEFAULTS.maxRetryAfterMs)),
    /** Calls waiting for one of the HUBSPOT_MAX_CONCURRENCY slots; more are refused (BACKEND_UNAVAILABLE) rather than queued without end. */
    HUBSPOT_MAX_QUEUE: optional(intVar(0, 100_000).default(RESILIENCE_DEFAULTS.maxQueue)),
    /** Consecutive calls failing with HubSpot unhealthy (5xx, timeout, connection) that open the circuit breaker. */
    HUBSPOT_BREAKER_FAILURES: optional(intVar(1, 1000).default(RESILIENCE_DEFAULTS.breakerFailures)),
    /** How long the open breaker refuses calls before one probe call may test HubSpot again. */
    HUBSPOT_BREAKER_HALF_OPEN_MS: optional(intVar(10, 3_600_000).default(RESILIENCE_DEFAULTS.breakerHalfOpenMs)),
  })
  .transform((env) => ({
    baseUrl: env.HUBSPOT_BASE_URL.replace(/\/+$/, ''),
    accessToken: env.HUBSPOT_ACCESS_TOKEN,
    timeoutMs: env.HUBSPOT_TIMEOUT_MS,
    maxRetries: env.HUBSPOT_MAX_RETRIES,
    maxConcurrency: env.HUBSPOT_MAX_CONCURRENCY,
    retryBaseMs: env.HUBSPOT_RETRY_BASE_MS,
    maxRetryAfterMs: env.HUBSPOT_MAX_RETRY_AFTER_MS,
    maxQueue: env.HUBSPOT_MAX_QUEUE,
    breakerFailures: env.HUBSPOT_BREAKER_FAILURES,
    breakerHalfOpenMs: env.HUBSPOT_BREAKER_HALF_OPEN_MS,
  }));

export type HubSpotConfig = z.output<typeof hubspotConfigSchema>;

/** The config with the token masked, for logs and error messages. */
export function describeHubSpotConfig(config: HubSpotConfig): Omit<HubSpotConfig, 'accessToken'> & { accessToken: string } {
  return { ...config, accessToken: config.accessToken ? '[redacted]' : '' };
}

/**
 * Read and validate HUBSPOT_* variables. A bad value throws AppError CONFIG_INVALID
 * naming the variable (never echoing the token). The returned object redacts the token
 * when serialised or inspected, so logging it by mistake does not leak it.
 */
export function loadHubSpotConfig(env: Record<string, string | undefined> = process.env): HubSpotConfig {
  return redactWhenPrinted(parseEnv(hubspotConfigSchema, env, { label: 'HubSpot', system: 'hubspot' }), describeHubSpotConfig);
}
