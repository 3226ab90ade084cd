// Odoo connector configuration, read from the environment and validated once at
// start-up. The same code reaches a real Odoo (https://acme.odoo.com) or the
// sandbox (http://127.0.0.1:8069): only ODOO_URL, the database and the key differ.

import { z } from 'zod';
import { parseEnv, redactWhenPrinted } from '../../core/env.ts';
import { optional, resilienceSettings, resilienceVariables } from '../shared/resilience-config.ts';

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
    ...resilienceVariables('ODOO', {
      timeoutMs: { max: 300_000, default: 10_000 },
      // Odoo staging allows very little concurrency.
      maxConcurrency: { max: 64, default: 4 },
      // Read methods only (429 / 502 / 503 / 504 / connection errors).
      maxRetries: { max: 8, default: 2 },
      retryBaseMs: { default: 250 },
    }),
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
    ...resilienceSettings('ODOO', env),
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
