// Settings of the embedded store (idempotency keys, audit trail, exceptions, leases),
// validated once at start-up: a bad value stops the process with a message naming the
// variable. Only the writes subgraph opens the store (openStoreFromEnv in database.ts,
// called from subgraphs/writes/main.ts); the gateway and the read subgraphs have none.
import { z } from 'zod';
import { parseEnv } from '../core/env.ts';

export const DEFAULT_STORE_PATH = '.data/supergraph.sqlite';
/** The idempotency store's defaults (store/idempotency.ts), for the environment and for stores opened without one. */
/** A lease not renewed for this long belongs to a dead attempt (heartbeats come every third of it). */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 15_000;
/** How long a call waits for another live attempt on its key before answering IN_PROGRESS. */
export const DEFAULT_IDEMPOTENCY_WAIT_MS = 8_000;
export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 72;

export const storeConfigSchema = z.object({
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
  return parseEnv(storeConfigSchema, env, { label: 'store' });
}
