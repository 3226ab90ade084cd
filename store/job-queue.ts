// Which carrier the sync jobs ride on, decided here and nowhere else: pg-boss on
// the shared PostgreSQL when STORE_URL is set (store/config.ts; several workers
// and the writes subgraph's replays meet in one queue), else the store's own
// queue table (`npm start`: one process, nothing else to run).
import { z } from 'zod';
import { parseEnv, type Env } from '../core/env.ts';
import type { Logger } from '../core/logger.ts';
import { appError, isAppError } from '../policy/errors.ts';
import type { Store } from './database.ts';
import { StoreJobQueue, type Job, type JobQueue, type JobStatus } from './jobs.ts';
import { DEFAULT_PG_BOSS_SCHEMA, PgBossJobQueue } from './pg-boss-queue.ts';

/** The queue plus the listing the CLI, /stats and tests read. */
export type SyncJobQueue = JobQueue & { list(filter?: { flow?: string; status?: JobStatus }, limit?: number): Promise<Job[]> };

export const jobQueueConfigSchema = z.object({
  /** The schema pg-boss and the queue's tables live in (with STORE_URL); its own, so pg-boss's `job`/`queue` tables meet nothing else. */
  SYNC_QUEUE_SCHEMA: z.string().trim().regex(/^[a-z_][a-z0-9_]{0,49}$/, 'must be a lower-case SQL identifier (a-z, 0-9, _), at most 50 characters').default(DEFAULT_PG_BOSS_SCHEMA),
});

export type JobQueueConfig = z.output<typeof jobQueueConfigSchema>;

export function loadJobQueueConfig(env: Env = process.env): JobQueueConfig {
  return parseEnv(jobQueueConfigSchema, env, { label: 'job queue' });
}

export interface OpenedJobQueue {
  queue: SyncJobQueue;
  carrier: 'pg-boss' | 'store';
  close(): Promise<void>;
}

/**
 * `storeConfig` is the store's validated configuration (its STORE_URL, when the
 * store runs on PostgreSQL, and STORE_MIGRATE); the queue follows it.
 */
export async function openJobQueue(
  storeConfig: Readonly<Record<string, unknown>> & { STORE_URL?: string; STORE_MIGRATE?: boolean },
  options: { store: Store; maxAttempts?: number; logger?: Logger; config?: JobQueueConfig },
): Promise<OpenedJobQueue> {
  if (!storeConfig.STORE_URL) {
    return { queue: new StoreJobQueue(options.store, { maxAttempts: options.maxAttempts }), carrier: 'store', close: async () => {} };
  }
  const { SYNC_QUEUE_SCHEMA: schema } = options.config ?? loadJobQueueConfig();
  try {
    const queue = await PgBossJobQueue.open({
      connectionString: storeConfig.STORE_URL, schema, maxAttempts: options.maxAttempts, logger: options.logger, migrate: storeConfig.STORE_MIGRATE !== false,
    });
    return { queue, carrier: 'pg-boss', close: () => queue.close() };
  } catch (e) {
    if (isAppError(e)) throw e;
    // The driver's text may quote the URL: the operator gets what failed, not how to log in.
    throw appError('STORE_UNAVAILABLE', `The sync job queue (pg-boss, schema ${schema}) could not be opened on STORE_URL`, {
      reason: (e as { code?: string }).code ?? 'connect or migrate failed',
    });
  }
}
