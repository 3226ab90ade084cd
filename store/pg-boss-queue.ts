// The sync engine's job queue on PostgreSQL through pg-boss 10 (selected when
// STORE_URL is a postgres URL): the same contract as StoreJobQueue
// (store/jobs.ts), proven by running the same test cases against both
// (test/sync-job-queue.test.ts). Why pg-boss and how each guarantee is carried:
// docs/sync.md, "Sync jobs on PostgreSQL".
//
// pg-boss owns the job rows (its schema, its migrations, its `job`/`archive`
// tables), inserts them (`send`, inside our transaction through its `db`
// executor option), expires leases (`expire`: an active job past started_on +
// expire_in goes back to `retry`), archives and deletes old finished jobs, and
// its `singleton` queue policy is a unique index allowing one *active* job per
// singleton key (= our ordering key). Four things it does not do, done here on
// its table with guarded SQL:
// - FIFO per key: its fetch picks one job per singleton key with row_number()
//   over a partition that has no ORDER BY, lets a later job overtake one waiting
//   in `retry`, and swallows the unique violation when a key is already active
//   (the whole batch comes back empty). Our claim takes only the head (lowest
//   seq) of each key's unfinished jobs, FOR UPDATE SKIP LOCKED.
// - Owners: its complete/fail act on any active job by id, also one another
//   worker took over after the lease ran out. Ours require the claimant's owner.
// - Renew: v10 has no heartbeat; renew moves started_on forward, guarded by owner.
// - Dedupe across finished jobs: sync_job_keys, written with the send.
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { migrateLocked } from './postgres.ts';
import type { Logger } from '../core/logger.ts';
import { appError } from '../policy/errors.ts';
import {
  DEFAULT_MAX_ATTEMPTS, DEFAULT_SETTLE_MS, orderingKeyOf,
  type EnqueueResult, type Job, type JobInput, type JobOrigin, type JobQueue, type JobStatus, type QueueStats,
} from './jobs.ts';

export const DEFAULT_PG_BOSS_SCHEMA = 'sync_queue';
/** One pg-boss queue carries every flow: the flow is in the job's data and in its singleton key. */
const QUEUE = 'sync-jobs';
const MIGRATIONS_DIR = fileURLToPath(new URL('./pg-boss-migrations', import.meta.url));
/** pg-boss archives jobs still waiting after their keep_until (default 14 days): a stalled backlog must not vanish. */
const RETENTION_MINUTES = 365 * 24 * 60;

export interface PgBossJobQueueOptions {
  /** postgres://… (STORE_URL). */
  connectionString: string;
  /** Schema of pg-boss's and our tables (one per deployment; tests use one per run). */
  schema?: string;
  maxAttempts?: number;
  settleMs?: number;
  /** Connections of this process's pool. */
  poolMax?: number;
  /** pg-boss maintenance (lease expiry, archiving) every this many seconds; false: none in this process (tests drive it). */
  maintenanceIntervalSeconds?: number | false;
  logger?: Logger;
  /** Default true; false (STORE_MIGRATE=0): only check the schema is current (migrateJobQueue runs as its owner). */
  migrate?: boolean;
}

const MIGRATIONS_TABLE = 'sync_queue_migrations';

/** Our tables (node-pg-migrate, store/pg-boss-migrations/), after pg-boss made the schema. */
async function migrateOwnTables(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await migrateLocked(client, { dir: MIGRATIONS_DIR, table: MIGRATIONS_TABLE, schema });
  } finally {
    client.release();
  }
}

/** Throws unless this build's migrations were applied and the queue exists (a replica never runs on a schema behind its code). */
async function assertMigrated(pool: pg.Pool, boss: PgBoss, schema: string): Promise<void> {
  const known = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => basename(f, '.sql'));
  const applied = await pool.query<{ name: string }>(`SELECT name FROM ${schema}.${MIGRATIONS_TABLE}`).then((r) => new Set(r.rows.map((x) => x.name)), () => new Set<string>());
  const missing = known.filter((n) => !applied.has(n));
  if (missing.length || !(await boss.getQueue(QUEUE))) {
    throw appError('STORE_UNAVAILABLE', `The sync job queue schema ${schema} is not migrated: run the migration as the schema owner`, { reason: 'schema behind' });
  }
}

/** Migrates the queue's schema (pg-boss's and ours) and creates the queue, as the schema's owner (npm run store:migrate). */
export async function migrateJobQueue(connectionString: string, schema: string = DEFAULT_PG_BOSS_SCHEMA): Promise<void> {
  const queue = await PgBossJobQueue.open({ connectionString, schema, maintenanceIntervalSeconds: false, poolMax: 2 });
  await queue.close();
}

interface JobData {
  flow: string;
  model: string;
  recordId: string;
  version: string;
  origin: JobOrigin;
  dedupeKey: string;
  seq: number;
  maxAttempts: number;
  exceptionId: string | null;
}

interface BossRow {
  id: string;
  data: JobData;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retry_count: number;
  start_after: Date;
  started_on: Date | null;
  singleton_key: string;
  output: { owner?: string; lastError?: { code: string; message: string } } | null;
}

const STATUS: Record<BossRow['state'], JobStatus> = { created: 'queued', retry: 'queued', active: 'running', completed: 'done', cancelled: 'dead', failed: 'dead' };
const STATES_OF: Record<JobStatus, BossRow['state'][]> = { queued: ['created', 'retry'], running: ['active'], done: ['completed'], dead: ['failed', 'cancelled'] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, data, state, retry_count, start_after, started_on, singleton_key, output';

const toJob = (r: BossRow): Job => ({
  id: r.id,
  flow: r.data.flow,
  change: { model: r.data.model, recordId: r.data.recordId, version: r.data.version },
  origin: r.data.origin,
  orderingKey: r.singleton_key,
  dedupeKey: r.data.dedupeKey,
  status: STATUS[r.state],
  // pg-boss counts retries (retry_count goes up on every fetch of a job started before); we count attempts.
  attempts: r.started_on ? r.retry_count + 1 : 0,
  maxAttempts: r.data.maxAttempts,
  runAt: r.start_after.toISOString(),
  exceptionId: r.data.exceptionId,
  lastError: r.output?.lastError ?? null,
});

/** A schema name goes into SQL text (pg-boss's plans are text too): only a plain identifier passes. */
function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,49}$/.test(schema)) throw new Error(`job queue schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`);
  return schema;
}

type Executor = { query: pg.Pool['query'] } | pg.PoolClient;
const bossDb = (client: Executor): PgBoss.Db => ({ executeSql: (text, values) => client.query(text, values) });

export class PgBossJobQueue implements JobQueue {
  readonly maxAttempts: number;
  readonly settleMs: number;
  readonly schema: string;

  private constructor(
    private readonly pool: pg.Pool,
    /** pg-boss itself, for its maintenance in tests and operations tooling. */
    readonly boss: PgBoss,
    options: PgBossJobQueueOptions,
    schema: string,
  ) {
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.schema = schema;
  }

  /**
   * Connects, lets pg-boss create or migrate its schema, then runs ours (node-pg-migrate), and
   * creates the queue; with `migrate: false` (a service role that does not own the schema)
   * only checks all of that is in place.
   */
  static async open(options: PgBossJobQueueOptions): Promise<PgBossJobQueue> {
    const schema = assertSchemaName(options.schema ?? DEFAULT_PG_BOSS_SCHEMA);
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolMax ?? 5, application_name: 'sync-queue' });
    pool.on('error', (err) => options.logger?.warn({ code: (err as { code?: string }).code }, 'an idle job-queue connection failed'));
    const maintenance = options.maintenanceIntervalSeconds ?? 30;
    const boss = new PgBoss({
      // migrate: false makes pg-boss only check its schema version (its contractor.check).
      db: bossDb(pool), schema, migrate: options.migrate !== false, schedule: false,
      supervise: maintenance !== false, ...(maintenance !== false ? { maintenanceIntervalSeconds: maintenance } : {}),
    });
    boss.on('error', (err: Error & { code?: string }) => options.logger?.warn({ code: err.code }, 'pg-boss maintenance failed; it runs again at its next interval'));
    try {
      await boss.start();
      if (options.migrate === false) await assertMigrated(pool, boss, schema);
      else {
        await migrateOwnTables(pool, schema);
        // pg-boss's create_queue takes no lock: two replicas creating the queue at once may
        // deadlock (40P01); Postgres aborts one, and its retry finds the queue there.
        for (let attempt = 1; ; attempt++) {
          try {
            await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton', retentionMinutes: RETENTION_MINUTES });
            break;
          } catch (err) {
            if ((err as { code?: string }).code !== '40P01' || attempt >= 3) throw err;
          }
        }
      }
    } catch (err) {
      await boss.stop({ graceful: false, close: false }).catch(() => {});
      await pool.end().catch(() => {});
      throw err;
    }
    return new PgBossJobQueue(pool, boss, options, schema);
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, close: false });
    await this.pool.end();
  }

  async enqueue(input: JobInput): Promise<EnqueueResult> {
    const orderingKey = orderingKeyOf(input.flow, input.change);
    const dedupeKey = `${orderingKey}|${input.change.version}${input.dedupeSuffix ? `|${input.dedupeSuffix}` : ''}`;
    const s = this.schema;
    return this.transaction(async (client) => {
      const id = randomUUID();
      // The key row first: a concurrent enqueue of the same key waits here on the
      // unique index until this transaction ends, then finds the key taken.
      const inserted = await client.query<{ seq: string }>(
        `INSERT INTO ${s}.sync_job_keys (dedupe_key, job_id, flow) VALUES ($1, $2, $3) ON CONFLICT (dedupe_key) DO NOTHING RETURNING seq`,
        [dedupeKey, id, input.flow],
      );
      if (inserted.rowCount === 1) {
        const data: JobData = {
          flow: input.flow, model: input.change.model, recordId: input.change.recordId, version: input.change.version, origin: input.origin,
          dedupeKey, seq: Number(inserted.rows[0]!.seq), maxAttempts: Math.max(1, input.maxAttempts ?? this.maxAttempts), exceptionId: input.exceptionId ?? null,
        };
        await this.send(client, id, orderingKey, data);
        return { job: await this.read(client, id), duplicate: false };
      }
      const { rows: [key] } = await client.query<{ job_id: string }>(`SELECT job_id FROM ${s}.sync_job_keys WHERE dedupe_key = $1 FOR UPDATE`, [dedupeKey]);
      const prior = await this.row(client, key!.job_id, true);
      // Same rule as StoreJobQueue: a finished job whose run started before the
      // version's second (plus skew) was over may have read the record before a
      // second write with the same version; it runs again instead of swallowing it.
      const versionMs = Date.parse(input.change.version);
      if (prior && prior.state === 'completed' && Number.isFinite(versionMs) && (prior.started_on?.getTime() ?? 0) < versionMs + this.settleMs) {
        const rearmed = await client.query<BossRow>(
          `UPDATE ${s}.job SET state = 'created', retry_count = 0, started_on = NULL, completed_on = NULL, start_after = now(), output = NULL,
             data = data || jsonb_build_object('origin', $3::text),
             -- pg-boss archives a waiting job past keep_until (set from the first send): a rearm starts a new wait.
             keep_until = now() + ${RETENTION_MINUTES} * interval '1 minute'
           WHERE name = $1 AND id = $2 AND state = 'completed' RETURNING ${COLUMNS}`,
          [QUEUE, prior.id, input.origin],
        );
        let job = rearmed.rows[0];
        if (!job) {
          // pg-boss already moved it to its archive: a new job carries the same key.
          const fresh = randomUUID();
          await this.send(client, fresh, prior.singleton_key, { ...prior.data, origin: input.origin });
          await client.query(`UPDATE ${s}.sync_job_keys SET job_id = $2 WHERE dedupe_key = $1`, [dedupeKey, fresh]);
          job = (await this.row(client, fresh, false))!;
        }
        await this.bump(client, ['rearmed']);
        return { job: toJob(job), duplicate: false };
      }
      await this.bump(client, ['duplicates_dropped', `duplicates_dropped:${input.flow}`]);
      return { job: null, duplicate: true };
    });
  }

  async claim(owner: string, limit: number, leaseMs: number, flows?: readonly string[]): Promise<Job[]> {
    const s = this.schema;
    const due = `((j.state < 'active' AND j.start_after <= now()) OR (j.state = 'active' AND j.started_on + j.expire_in <= now()))`;
    const sql = `
      WITH heads AS (
        -- The head of each ordering key: its unfinished job of lowest seq.
        SELECT DISTINCT ON (j.singleton_key) j.id, j.state, j.start_after, j.started_on, j.expire_in, (j.data->>'seq')::bigint AS seq
        FROM ${s}.job j
        WHERE j.name = $1 AND j.state < 'completed' AND ($5::text[] IS NULL OR j.data->>'flow' = ANY($5::text[]))
        ORDER BY j.singleton_key, (j.data->>'seq')::bigint
      ), due AS (
        SELECT j.id FROM heads j WHERE ${due} ORDER BY j.start_after, j.seq LIMIT $2
      ), locked AS (
        -- Rechecked on the row as it is now (another worker may have just taken it); taken ones are skipped.
        SELECT j.id FROM ${s}.job j WHERE j.name = $1 AND j.id IN (SELECT id FROM due) AND ${due}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${s}.job j SET
        state = 'active',
        started_on = now(),
        retry_count = CASE WHEN j.started_on IS NULL THEN j.retry_count ELSE j.retry_count + 1 END,
        -- pg-boss's expiry turns an expired job into 'failed' once retry_count reaches retry_limit;
        -- here a lease that ran out always hands the job on (as in SQLite): dead is the engine's call.
        retry_limit = GREATEST(j.retry_limit, j.retry_count + 2),
        expire_in = $3::int * interval '1 millisecond',
        output = jsonb_build_object('owner', $4::text) || COALESCE(j.output - 'owner', '{}'::jsonb)
      FROM locked WHERE j.name = $1 AND j.id = locked.id
      RETURNING ${COLUMNS.split(', ').map((c) => `j.${c}`).join(', ')}`;
    try {
      const { rows } = await this.pool.query<BossRow>(sql, [QUEUE, Math.max(0, limit), Math.max(1, Math.round(leaseMs)), owner, flows?.length ? [...flows] : null]);
      return rows.sort((a, b) => a.start_after.getTime() - b.start_after.getTime() || a.data.seq - b.data.seq).map(toJob);
    } catch (err) {
      // The singleton index (one active job per key) refused the batch: a job of a key
      // became visible after a later one of it was taken (two enqueues committing out of
      // order). Nothing was taken; the next round claims again.
      if ((err as { code?: string }).code === '23505') return [];
      throw err;
    }
  }

  async renew(jobId: string, owner: string, leaseMs: number): Promise<boolean> {
    if (!UUID.test(jobId)) return false;
    // pg-boss 10 has no heartbeat: its lease is started_on + expire_in, so renewing moves started_on.
    const r = await this.pool.query(
      `UPDATE ${this.schema}.job SET started_on = now(), expire_in = $4::int * interval '1 millisecond'
       WHERE name = $1 AND id = $2 AND state = 'active' AND output->>'owner' = $3`,
      [QUEUE, jobId, owner, Math.max(1, Math.round(leaseMs))],
    );
    return r.rowCount === 1;
  }

  async complete(jobId: string, owner: string): Promise<boolean> {
    if (!UUID.test(jobId)) return false;
    const r = await this.pool.query(
      `UPDATE ${this.schema}.job SET state = 'completed', completed_on = now(), output = output - 'owner'
       WHERE name = $1 AND id = $2 AND state = 'active' AND output->>'owner' = $3`,
      [QUEUE, jobId, owner],
    );
    return r.rowCount === 1;
  }

  async fail(jobId: string, owner: string, error: { code: string; message: string }, retry: { delayMs: number } | 'dead'): Promise<Job | null> {
    if (!UUID.test(jobId)) return null;
    const s = this.schema;
    const dead = retry === 'dead';
    const { rows } = await this.pool.query<BossRow>(
      `WITH failed AS (
         UPDATE ${s}.job SET
           state = CASE WHEN $4 THEN 'failed' ELSE 'retry' END::${s}.job_state,
           completed_on = CASE WHEN $4 THEN now() END,
           start_after = CASE WHEN $4 THEN start_after ELSE now() + $5::int * interval '1 millisecond' END,
           output = jsonb_build_object('lastError', jsonb_build_object('code', $6::text, 'message', $7::text))
         WHERE name = $1 AND id = $2 AND state = 'active' AND output->>'owner' = $3
         RETURNING ${COLUMNS}
       ), counted AS (
         INSERT INTO ${s}.sync_counters (name, value) SELECT 'retries', 1 FROM failed WHERE NOT $4
         ON CONFLICT (name) DO UPDATE SET value = ${s}.sync_counters.value + 1
       )
       SELECT * FROM failed`,
      [QUEUE, jobId, owner, dead, dead ? 0 : Math.max(0, Math.round(retry.delayMs)), error.code, error.message.slice(0, 500)],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async get(jobId: string): Promise<Job | null> {
    if (!UUID.test(jobId)) return null;
    return this.read(this.pool, jobId);
  }

  /** Jobs (newest first), for the CLI and tests; includes what pg-boss archived. */
  async list(filter: { flow?: string; status?: JobStatus } = {}, limit = 100): Promise<Job[]> {
    const { rows } = await this.pool.query<BossRow>(
      `SELECT * FROM (${this.everyJob()}) j
       WHERE ($2::text IS NULL OR j.data->>'flow' = $2) AND ($3::text[] IS NULL OR j.state::text = ANY($3::text[]))
       ORDER BY (j.data->>'seq')::bigint DESC LIMIT $4`,
      [QUEUE, filter.flow ?? null, filter.status ? STATES_OF[filter.status] : null, Math.max(0, limit)],
    );
    return rows.map(toJob);
  }

  async stats(flow?: string): Promise<QueueStats> {
    const counts = { queued: 0, running: 0, done: 0, dead: 0 };
    const { rows } = await this.pool.query<{ state: BossRow['state']; n: string }>(
      `SELECT j.state, count(*) AS n FROM (${this.everyJob()}) j WHERE ($2::text IS NULL OR j.data->>'flow' = $2) GROUP BY j.state`,
      [QUEUE, flow ?? null],
    );
    for (const r of rows) counts[STATUS[r.state]] += Number(r.n);
    const names = [flow ? `duplicates_dropped:${flow}` : 'duplicates_dropped', 'retries', 'rearmed'];
    const { rows: c } = await this.pool.query<{ name: string; value: string }>(`SELECT name, value FROM ${this.schema}.sync_counters WHERE name = ANY($1::text[])`, [names]);
    const counter = (name: string) => Number(c.find((r) => r.name === name)?.value ?? 0);
    return { ...counts, duplicatesDropped: counter(names[0]!), retries: counter('retries'), rearmed: counter('rearmed') };
  }

  private everyJob(): string {
    return `SELECT ${COLUMNS} FROM ${this.schema}.job WHERE name = $1 UNION ALL SELECT ${COLUMNS} FROM ${this.schema}.archive WHERE name = $1`;
  }

  private async send(client: pg.PoolClient, id: string, singletonKey: string, data: JobData): Promise<void> {
    const sent = await this.boss.send(QUEUE, data as unknown as object, {
      id, singletonKey, db: bossDb(client),
      // For pg-boss's own view of the job; attempts are counted and judged by the engine (see claim).
      retryLimit: data.maxAttempts - 1,
    });
    if (sent !== id) throw new Error('pg-boss did not insert the sync job');
  }

  private async row(client: Executor, id: string, withArchive: boolean): Promise<BossRow | null> {
    const { rows } = await client.query<BossRow>(
      withArchive ? `SELECT * FROM (${this.everyJob()}) j WHERE j.id = $2` : `SELECT ${COLUMNS} FROM ${this.schema}.job WHERE name = $1 AND id = $2`,
      [QUEUE, id],
    );
    return rows[0] ?? null;
  }

  private async read(client: Executor, id: string): Promise<Job | null> {
    const { rows } = await client.query<BossRow>(`SELECT * FROM (${this.everyJob()}) j WHERE j.id = $2`, [QUEUE, id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  private async bump(client: Executor, names: string[]): Promise<void> {
    await client.query(
      `INSERT INTO ${this.schema}.sync_counters (name, value) SELECT unnest($1::text[]), 1 ON CONFLICT (name) DO UPDATE SET value = ${this.schema}.sync_counters.value + 1`,
      [names],
    );
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
