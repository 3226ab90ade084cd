// HubSpot connector configuration, read from the environment and validated once at
// start-up. The same code reaches a real portal (https://api.hubapi.com) or the
// sandbox (http://127.0.0.1:8090) — only HUBSPOT_BASE_URL and the token differ.

import { z } from 'zod';
import { parseEnv, redactWhenPrinted } from '../../../core/env.ts';
import { intVar, optional, resilienceSettings, resilienceVariables } from '../../shared/resilience-config.ts';

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
    /** The quote template new quotes are associated with; unset: the portal's first active template. */
    HUBSPOT_QUOTE_TEMPLATE_ID: optional(z.string().regex(/^[0-9]{1,18}$/, 'must be a HubSpot object id (digits)').optional()),
    ...resilienceVariables('HUBSPOT', {
      timeoutMs: { max: 120_000, default: 10_000 },
      maxConcurrency: { max: 50, default: 8 },
      // 429 / 5xx / network.
      maxRetries: { max: 6, default: 2 },
      retryBaseMs: { default: 300 },
    }),
    /**
     * Pace calls to the portal's rate limits (pacing.ts): on, or off to send at once and
     * only retry the 429s (for a portal with an external limiter in front of it).
     */
    HUBSPOT_PACING: optional(z.enum(['on', 'off'], { error: 'must be on or off' }).default('on')),
    /**
     * Requests per 10 s assumed until the portal's X-HubSpot-RateLimit-Max says otherwise
     * (its first answer does): the smallest tier's (Free/Starter) 100.
     */
    HUBSPOT_BURST_LIMIT: optional(intVar(1, 10_000).default(100)),
    /** CRM search requests per second per token (HubSpot: four; search answers carry no headers to learn it from). */
    HUBSPOT_SEARCH_PER_SECOND: optional(intVar(1, 100).default(4)),
  })
  .transform((env) => ({
    baseUrl: env.HUBSPOT_BASE_URL.replace(/\/+$/, ''),
    accessToken: env.HUBSPOT_ACCESS_TOKEN,
    quoteTemplateId: env.HUBSPOT_QUOTE_TEMPLATE_ID,
    pacing: env.HUBSPOT_PACING === 'on',
    burstLimit: env.HUBSPOT_BURST_LIMIT,
    searchPerSecond: env.HUBSPOT_SEARCH_PER_SECOND,
    ...resilienceSettings('HUBSPOT', env),
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
