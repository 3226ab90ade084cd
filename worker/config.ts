// The worker's settings, validated once at start-up (a bad value stops it with a
// message naming the variable). Secrets are optional: a webhook endpoint whose
// secret is not set refuses every call (deny by default) and polling still runs.
import { z } from 'zod';
import { parseEnv, type Env } from '../core/env.ts';
import { DEFAULT_ENGINE_OPTIONS } from './engine.ts';

const int = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);

export const workerConfigSchema = z.object({
  WORKER_PORT: int(0, 65_535, 4010),
  WORKER_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** Comma-separated flow names this worker runs; default every registered flow. */
  WORKER_FLOWS: z.string().trim().optional().transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined)),
  /** How often each flow polls its change streams. */
  WORKER_POLL_MS: int(200, 86_400_000, 30_000),
  /** How often due jobs (new, or retries whose backoff ran out) are looked for. */
  WORKER_TICK_MS: int(50, 60_000, 1_000),
  WORKER_BATCH_SIZE: int(1, 500, DEFAULT_ENGINE_OPTIONS.batchSize),
  WORKER_LEASE_MS: int(1_000, 3_600_000, DEFAULT_ENGINE_OPTIONS.leaseMs),
  WORKER_MAX_ATTEMPTS: int(1, 100, DEFAULT_ENGINE_OPTIONS.maxAttempts),
  WORKER_BACKOFF_BASE_MS: int(1, 3_600_000, DEFAULT_ENGINE_OPTIONS.backoffBaseMs),
  WORKER_BACKOFF_MAX_MS: int(1, 86_400_000, DEFAULT_ENGINE_OPTIONS.backoffMaxMs),
  WORKER_OVERLAP_MS: int(0, 3_600_000, DEFAULT_ENGINE_OPTIONS.overlapMs),
  WORKER_JOB_TIMEOUT_MS: int(1_000, 3_600_000, DEFAULT_ENGINE_OPTIONS.jobTimeoutMs),
  /** Shared secret of Odoo's "Send Webhook Notification" automation rules: sent as ?token=… (Odoo adds no header or signature). */
  ODOO_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** The HubSpot app's client secret: verifies X-HubSpot-Signature-v3. */
  HUBSPOT_APP_SECRET: z.string().min(8).optional(),
  /** The URL HubSpot calls the worker at (scheme, host, port), when a proxy stands in between: the v3 signature covers the full URI. */
  WORKER_PUBLIC_URL: z.string().url().optional(),
});

export type WorkerConfig = z.output<typeof workerConfigSchema>;

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  return parseEnv(workerConfigSchema, env, { label: 'worker' });
}
