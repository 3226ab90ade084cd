// The one place tests open a store. By default an SQLite file or `:memory:`; with
// TEST_STORE=postgres a fresh schema in the local PostgreSQL (TEST_POSTGRES_URL,
// default postgres://postgres@127.0.0.1:5432/test), migrated like production and
// dropped when the store is closed — so the whole suite can run on either engine.
// The same switch puts the rigs' caches and rate-limit counters in Redis (openTestSharedCache).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type SqliteStore, type Store } from '../../store/database.ts';
import { openPostgresStore, type PostgresStore } from '../../store/postgres.ts';
import { quoteIdent } from '../../store/sql.ts';
import { openJobQueue, type JobQueueConfig, type OpenedJobQueue } from '../../store/job-queue.ts';
import type { RateLimitCounter } from '../../store/rate-limits.ts';
import { RedisRateLimitCounter } from '../../store/redis-rate-limits.ts';
import type { CacheBacking } from '../../core/cache.ts';
import { closeRedisClient, createRedisClient } from '../../core/redis.ts';
import { createLogger } from '../../core/logger.ts';
import type { StackState } from '../../scripts/stack.ts';
import { TEST_REDIS_COMMAND_TIMEOUT_MS, TEST_REDIS_URL } from './redis.ts';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestStoreEngine = 'sqlite' | 'postgres';

/** The engine the suite runs on (TEST_STORE=postgres, else sqlite). */
export function testStoreEngine(): TestStoreEngine {
  return process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

export type TestStore = (SqliteStore | PostgresStore) & {
  /** What a child process (a replica) needs in its environment to open the same store. */
  readonly env: Record<string, string>;
};

/** Drops a schema made by `openPostgresTestStore` (also when the store was never opened). */
export async function dropSchema(schema: string, url = TEST_POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated schema; closing the store drops it. `keep` leaves it for another instance to close. */
export async function openPostgresTestStore(opts: { schema?: string; dropOnClose?: boolean } = {}): Promise<PostgresStore & { env: Record<string, string> }> {
  const schema = opts.schema ?? `t_${randomBytes(6).toString('hex')}`;
  let store: PostgresStore;
  try {
    store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, maxConnections: 5 });
  } catch (e) {
    await dropSchema(schema).catch(() => undefined);
    throw e;
  }
  const close = store.close.bind(store);
  return Object.assign(store, {
    // The rig's sync jobs (pg-boss, as production selects with STORE_URL) in a schema of its own beside the store's.
    env: { STORE_URL: TEST_POSTGRES_URL, STORE_SCHEMA: schema, SYNC_QUEUE_SCHEMA: queueSchemaOf(schema) },
    async close() {
      await close();
      if (opts.dropOnClose !== false) {
        await dropSchema(schema);
        await dropSchema(queueSchemaOf(schema));
      }
    },
  });
}

const queueSchemaOf = (storeSchema: string) => `${storeSchema}_q`;

/**
 * The job queue a worker on this test store uses, chosen as production chooses it
 * (store/job-queue.ts openJobQueue): pg-boss in the store's database on Postgres, the
 * store's own queue on SQLite — so a rig's in-process worker and a worker it starts
 * as a child process share one queue.
 */
export async function openTestJobQueue(store: TestStore): Promise<OpenedJobQueue> {
  return openJobQueue(
    { STORE_URL: store.env.STORE_URL, STORE_MIGRATE: true },
    { store, config: { SYNC_QUEUE_SCHEMA: store.env.SYNC_QUEUE_SCHEMA ?? 'sync_queue' } as JobQueueConfig },
  );
}

/**
 * The store of one test rig: Postgres when TEST_STORE=postgres, else SQLite at
 * `sqlitePath` (default `:memory:`). `engine: 'sqlite'` for a test about the SQLite file itself
 * (durability across processes on one file, the file moved away), whatever the suite's engine.
 */
export async function openTestStore(sqlitePath = ':memory:', engine: TestStoreEngine = testStoreEngine()): Promise<TestStore> {
  if (engine === 'postgres') return openPostgresTestStore();
  const store = openStore(sqlitePath);
  return Object.assign(store, { env: { STORE_PATH: sqlitePath } });
}

/**
 * The shared cache and rate-limit counters of one test rig in the Postgres/Redis
 * configuration (TEST_STORE=postgres also means Redis, as in production at scale):
 * the machine's Redis (TEST_REDIS_URL) under a key prefix of its own, removed on
 * close. Null in the embedded configuration (caches in memory, counters in the store).
 */
export async function openTestSharedCache(): Promise<{ backing: CacheBacking; counter: RateLimitCounter; close(): Promise<void> } | null> {
  if (testStoreEngine() !== 'postgres') return null;
  const config = { url: TEST_REDIS_URL, keyPrefix: `t:${randomBytes(6).toString('hex')}:`, commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS };
  const client = createRedisClient(config, createLogger('test-redis'), 'test');
  await client.connect();
  return {
    backing: { kind: 'redis', client, keyPrefix: config.keyPrefix, commandTimeoutMs: config.commandTimeoutMs },
    counter: new RedisRateLimitCounter(client, config),
    async close() {
      const doomed: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${config.keyPrefix}*`, COUNT: 1000 })) doomed.push(...(batch as string[]));
      if (doomed.length) await client.unlink(doomed);
      await closeRedisClient(client);
    },
  };
}

/**
 * The state of one test stack (scripts/stack.ts `state`): the rig's store (openTestStore,
 * `engine` as there), the job queue production picks for it, and Redis when TEST_STORE=postgres.
 */
export async function openTestState(sqlitePath = ':memory:', engine?: TestStoreEngine): Promise<StackState> {
  const shared = await openTestSharedCache();
  const store = await openTestStore(sqlitePath, engine);
  return { store, jobQueue: await openTestJobQueue(store), shared };
}

export type { Store };
