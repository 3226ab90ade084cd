// Settings of the embedded store (idempotency keys, audit trail, exceptions, leases),
// validated once at start-up: a bad value stops the process with a message naming the
// variable. The writes subgraph, the worker and the gateway (rate limits) open the store
// (openStoreFromEnv in database.ts): PostgreSQL when STORE_URL is set, else SQLite.
import { z } from 'zod';
import { parseEnv, redactWhenPrinted } from '../core/env.ts';

export const DEFAULT_STORE_PATH = '.data/supergraph.sqlite';
/** The idempotency store's defaults (store/idempotency.ts), for the environment and for stores opened without one. */
/** A lease not renewed for this long belongs to a dead attempt (heartbeats come every third of it). */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 15_000;
/** How long a call waits for another live attempt on its key before answering IN_PROGRESS. */
export const DEFAULT_IDEMPOTENCY_WAIT_MS = 8_000;
export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 72;

/** Postgres URLs only; the message names the variable and never echoes the value (it may hold a password). */
const storeUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => {
    if (v === undefined) return true;
    try {
      const u = new URL(v);
      return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname.length > 0 && u.pathname.length > 1;
    } catch {
      return false;
    }
  }, 'must be a postgres:// or postgresql:// URL with a host and a database (postgres://user@host:5432/db)');

export const DEFAULT_STORE_SCHEMA = 'public';

export const storeConfigSchema = z.object({
  /** PostgreSQL instead of the SQLite file: every replica of every component shares it. Unset = SQLite (`STORE_PATH`). */
  STORE_URL: storeUrl,
  /** The Postgres schema the store's tables live in (created and migrated at start-up). */
  STORE_SCHEMA: z.string().trim().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (a-z, 0-9, _)').default(DEFAULT_STORE_SCHEMA),
  /** Whether start-up migrates the Postgres schema (the owner role); 0 for a service role that may not: it then only checks the schema is current. */
  STORE_MIGRATE: z.enum(['0', '1', 'true', 'false']).default('1').transform((v) => v === '1' || v === 'true'),
  /** Connections per process in the Postgres pool. */
  STORE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** SQLite file of the store; `:memory:` keeps it in the process (tests only: nothing survives a restart). */
  STORE_PATH: z.string().trim().min(1).default(DEFAULT_STORE_PATH),
  /** How long an `in_progress` idempotency key (and a record lease) outlives its holder's last heartbeat — a
   *  crashed attempt's key is taken over this long after it died; live attempts renew every third of it. */
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(DEFAULT_IDEMPOTENCY_LEASE_MS),
  /** How long a call waits for another live attempt on its key (or record) before answering IN_PROGRESS. */
  IDEMPOTENCY_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_IDEMPOTENCY_WAIT_MS),
  /** How long a finished idempotency key is remembered (at least; rows are removed by `purgeExpired`). */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().max(24 * 366).default(DEFAULT_IDEMPOTENCY_TTL_HOURS),
});

export type StoreConfig = z.infer<typeof storeConfigSchema>;

export function loadStoreConfig(env: Record<string, string | undefined> = process.env): StoreConfig {
  // A STORE_URL may carry a password: a logged or serialised config shows only that one is set.
  return redactWhenPrinted(parseEnv(storeConfigSchema, env, { label: 'store' }), (c) => ({ ...c, STORE_URL: c.STORE_URL ? '[redacted]' : undefined }));
}
