// The sync engine's durable state (issue 11), in the same SQLite file as the
// idempotency keys and the audit trail so `npm start` needs nothing else:
//
// - `sync_jobs`: one row per detected change (flow, record, version). The dedupe
//   key (flow, model, record, version) is UNIQUE, so a second hint for the same
//   version — a poll overlapping the last one, a webhook after a poll — is dropped
//   and counted, never queued twice. Jobs of one record (the ordering key) run one
//   at a time, oldest first. A claim is a lease: a worker killed with SIGKILL stops
//   renewing nothing — its lease simply runs out and the job is claimable again.
//   Delivery is therefore at-least-once; flows make it effectively-once (apply
//   compares before it writes; one-off effects go through the idempotency store).
// - `sync_cursors`: where each flow+model's change stream was read up to.
// - `sync_counters`: monotonic counts the stats report (duplicates dropped, retries).
//
// The interface is what graphile-worker (job_key, run_at, attempts/max_attempts,
// locked_at/locked_by) and pg-boss (singletonKey, retryLimit, dead letter) offer,
// so a Postgres carrier can take it over without the flows noticing.
import type { Store } from './database.ts';
import type { SqlExecutor, SqlParam } from './sql.ts';

/** "This record changed" (see worker/flow.ts): model, id in its owner, ISO version (write_date / hs_lastmodifieddate). */
export interface ChangeHint {
  model: string;
  recordId: string;
  version: string;
}

/** A point in one model's change stream: strictly after (version, id). */
export interface StreamPosition {
  /** ISO-8601 UTC instant. */
  version: string;
  /** The record id (compared numerically when both are integers). */
  id: string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'dead';
export type JobOrigin = 'poll' | 'webhook' | 'replay' | 'cli';

export interface JobInput {
  flow: string;
  change: ChangeHint;
  /** Where the hint came from, for the stats: poll, webhook, replay, cli. */
  origin: JobOrigin;
  /** Default: the queue's maxAttempts (a replay gets one attempt: it either applies or the exception stays open). */
  maxAttempts?: number;
  /** The exception a replay job resolves when it succeeds. */
  exceptionId?: string;
  /** Distinguishes a replay from the original job of the same version (dedupe key suffix). */
  dedupeSuffix?: string;
}

export interface Job {
  id: string;
  flow: string;
  change: ChangeHint;
  origin: JobOrigin;
  /** `${flow}|${model}|${recordId}`: jobs with one ordering key run one at a time, oldest first. */
  orderingKey: string;
  /** `${orderingKey}|${version}`: a second enqueue of the same key is dropped and counted. */
  dedupeKey: string;
  status: JobStatus;
  /** Attempts started so far (including the one running). */
  attempts: number;
  maxAttempts: number;
  runAt: string;
  exceptionId: string | null;
  lastError: { code: string; message: string } | null;
}

export interface EnqueueResult {
  job: Job | null;
  /** True when (record, version) was already queued, running or done: nothing was added. */
  duplicate: boolean;
}

export interface QueueStats {
  queued: number;
  running: number;
  done: number;
  dead: number;
  /** Enqueues dropped as duplicates since the store was created. */
  duplicatesDropped: number;
  /** Retries scheduled since the store was created. */
  retries: number;
  /** Finished jobs run again because a hint of the same version arrived while a same-second write could have been missed. */
  rearmed: number;
}

export interface JobQueue {
  /**
   * How long after a version a finished job may still have missed a write of the same
   * version (DEFAULT_SETTLE_MS unless configured): the queue re-arms within it, and the
   * engine's coalescing does not count a run that started before it ended.
   */
  readonly settleMs: number;
  enqueue(input: JobInput): Promise<EnqueueResult>;
  /**
   * Claims up to `limit` due jobs for `owner` for `leaseMs`: only the oldest
   * unfinished job of each ordering key. A running job whose lease expired (its
   * worker died) is claimable again; its attempt counts.
   */
  claim(owner: string, limit: number, leaseMs: number, flows?: readonly string[]): Promise<Job[]>;
  /** Extends the lease of a job `owner` still holds (false when it was lost). */
  renew(jobId: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Done; refused (false) when `owner` no longer holds the lease. */
  complete(jobId: string, owner: string): Promise<boolean>;
  /** A failed attempt: back to queued at now + delay, or dead. Null when `owner` no longer holds the lease. */
  fail(jobId: string, owner: string, error: { code: string; message: string }, retry: { delayMs: number } | 'dead'): Promise<Job | null>;
  get(jobId: string): Promise<Job | null>;
  stats(flow?: string): Promise<QueueStats>;
}

/** Durable per flow+model cursors. */
export interface CursorStore {
  get(flow: string, model: string): Promise<StreamPosition | null>;
  set(flow: string, model: string, position: StreamPosition): Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

interface JobRow {
  id: number;
  flow: string;
  model: string;
  record_id: string;
  version: string;
  origin: JobOrigin;
  ordering_key: string;
  dedupe_key: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: number;
  owner: string | null;
  lease_expires_at: number | null;
  exception_id: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
}

const toJob = (r: JobRow): Job => ({
  id: String(r.id),
  flow: r.flow,
  change: { model: r.model, recordId: r.record_id, version: r.version },
  origin: r.origin,
  orderingKey: r.ordering_key,
  dedupeKey: r.dedupe_key,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  runAt: new Date(r.run_at).toISOString(),
  exceptionId: r.exception_id == null ? null : String(r.exception_id),
  lastError: r.last_error_code ? { code: r.last_error_code, message: r.last_error_message ?? '' } : null,
});

export const orderingKeyOf = (flow: string, change: Pick<ChangeHint, 'model' | 'recordId'>) => `${flow}|${change.model}|${change.recordId}`;

/** A version's granularity (Odoo write_date: 1 s) plus clock skew between the backend and the worker. */
export const DEFAULT_SETTLE_MS = 6_000;

export interface StoreJobQueueOptions {
  maxAttempts?: number;
  /** DEFAULT_SETTLE_MS: how long after a version a finished job may still have missed a write of the same version. */
  settleMs?: number;
  now?: () => number;
}

/** The job queue in the store's own tables (SQLite file or Postgres schema, store/sql.ts). */
export class StoreJobQueue implements JobQueue {
  private readonly sql: SqlExecutor;
  readonly maxAttempts: number;
  readonly settleMs: number;
  private readonly now: () => number;

  constructor(store: Store, options: StoreJobQueueOptions = {}) {
    this.sql = store.sql;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.now = options.now ?? Date.now;
  }

  async enqueue(input: JobInput): Promise<EnqueueResult> {
    const orderingKey = orderingKeyOf(input.flow, input.change);
    const dedupeKey = `${orderingKey}|${input.change.version}${input.dedupeSuffix ? `|${input.dedupeSuffix}` : ''}`;
    const now = this.now();
    const inserted = await this.sql.get<JobRow>(
      `INSERT INTO sync_jobs (flow, model, record_id, version, origin, ordering_key, dedupe_key, status, attempts, max_attempts, run_at, exception_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING *`,
      [input.flow, input.change.model, input.change.recordId, input.change.version, input.origin, orderingKey, dedupeKey,
        Math.max(1, input.maxAttempts ?? this.maxAttempts), now, input.exceptionId == null ? null : Number(input.exceptionId), now, now],
    );
    if (inserted) return { job: toJob(inserted), duplicate: false };
    // Versions have a granularity (Odoo's write_date: one second) and two clocks: a
    // job whose run started before the version's second (plus skew) was over may
    // have read the record before a second write with the same version. Such a
    // job is run again (idempotently) instead of swallowing the change.
    const versionMs = Date.parse(input.change.version);
    if (Number.isFinite(versionMs)) {
      const rearmed = await this.sql.get<JobRow>(
        `UPDATE sync_jobs SET status = 'queued', attempts = 0, run_at = ?, origin = ?, last_error_code = NULL, last_error_message = NULL, updated_at = ?
          WHERE dedupe_key = ? AND status = 'done' AND COALESCE(claimed_at, 0) < ? RETURNING *`,
        [now, input.origin, now, dedupeKey, versionMs + this.settleMs],
      );
      if (rearmed) {
        await this.bump('rearmed');
        return { job: toJob(rearmed), duplicate: false };
      }
    }
    await this.bump('duplicates_dropped');
    await this.bump(`duplicates_dropped:${input.flow}`);
    return { job: null, duplicate: true };
  }

  async claim(owner: string, limit: number, leaseMs: number, flows?: readonly string[]): Promise<Job[]> {
    const now = this.now();
    return this.sql.transaction(async (tx) => {
      // One claimer at a time (SQLite: the IMMEDIATE write lock; Postgres: this lock),
      // so the head-of-key choice below cannot be made twice for one job.
      await tx.lock('sync_jobs:claim');
      const flowFilter = flows?.length ? `AND j.flow IN (${flows.map(() => '?').join(',')})` : '';
      // The head of each ordering key: its oldest job not done or dead. It is due when
      // queued and its time has come, or running under an expired lease.
      const rows = await tx.query<{ id: number }>(
        `SELECT j.id FROM sync_jobs j
         WHERE j.status IN ('queued', 'running') ${flowFilter}
           AND j.id = (SELECT MIN(h.id) FROM sync_jobs h WHERE h.ordering_key = j.ordering_key AND h.status IN ('queued', 'running'))
           AND ((j.status = 'queued' AND j.run_at <= ?) OR (j.status = 'running' AND j.lease_expires_at <= ?))
         ORDER BY j.run_at, j.id LIMIT ?`,
        [...(flows?.length ? flows : []), now, now, limit],
      );
      const jobs: Job[] = [];
      for (const r of rows) {
        const taken = await tx.get<JobRow>(
          `UPDATE sync_jobs SET status = 'running', owner = ?, lease_expires_at = ?, attempts = attempts + 1, claimed_at = ?, updated_at = ? WHERE id = ? RETURNING *`,
          [owner, now + leaseMs, now, now, r.id],
        );
        jobs.push(toJob(taken!));
      }
      return jobs;
    });
  }

  async renew(jobId: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const r = await this.sql.run(`UPDATE sync_jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND owner = ? AND status = 'running'`, [now + leaseMs, now, Number(jobId), owner]);
    return r.changes === 1;
  }

  async complete(jobId: string, owner: string): Promise<boolean> {
    const now = this.now();
    const r = await this.sql.run(`UPDATE sync_jobs SET status = 'done', owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND owner = ? AND status = 'running'`, [now, Number(jobId), owner]);
    return r.changes === 1;
  }

  async fail(jobId: string, owner: string, error: { code: string; message: string }, retry: { delayMs: number } | 'dead'): Promise<Job | null> {
    const now = this.now();
    const row = await this.sql.get<JobRow>(
      `UPDATE sync_jobs SET status = ?, run_at = ?, owner = NULL, lease_expires_at = NULL, last_error_code = ?, last_error_message = ?, updated_at = ?
       WHERE id = ? AND owner = ? AND status = 'running' RETURNING *`,
      [retry === 'dead' ? 'dead' : 'queued', retry === 'dead' ? now : now + Math.max(0, retry.delayMs), error.code, error.message.slice(0, 500), now, Number(jobId), owner],
    );
    if (!row) return null;
    if (retry !== 'dead') await this.bump('retries');
    return toJob(row);
  }

  async get(jobId: string): Promise<Job | null> {
    if (!/^[0-9]{1,15}$/.test(jobId)) return null;
    const row = await this.sql.get<JobRow>('SELECT * FROM sync_jobs WHERE id = ?', [Number(jobId)]);
    return row ? toJob(row) : null;
  }

  /** Jobs of one flow (newest first), for the CLI and tests. */
  async list(filter: { flow?: string; status?: JobStatus } = {}, limit = 100): Promise<Job[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (filter.flow) (where.push('flow = ?'), params.push(filter.flow));
    if (filter.status) (where.push('status = ?'), params.push(filter.status));
    const rows = await this.sql.query<JobRow>(`SELECT * FROM sync_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, [...params, limit]);
    return rows.map(toJob);
  }

  async stats(flow?: string): Promise<QueueStats> {
    const counts = { queued: 0, running: 0, done: 0, dead: 0 };
    const rows = await this.sql.query<{ status: JobStatus; n: number }>(`SELECT status, COUNT(*) AS n FROM sync_jobs ${flow ? 'WHERE flow = ?' : ''} GROUP BY status`, flow ? [flow] : []);
    for (const r of rows) counts[r.status] = r.n;
    const [duplicatesDropped, retries, rearmed] = await Promise.all([this.counter(flow ? `duplicates_dropped:${flow}` : 'duplicates_dropped'), this.counter('retries'), this.counter('rearmed')]);
    return { ...counts, duplicatesDropped, retries, rearmed };
  }

  private async bump(name: string): Promise<void> {
    await this.sql.run('INSERT INTO sync_counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = sync_counters.value + 1', [name]);
  }

  private async counter(name: string): Promise<number> {
    return (await this.sql.get<{ value: number }>('SELECT value FROM sync_counters WHERE name = ?', [name]))?.value ?? 0;
  }
}

export class StoreCursorStore implements CursorStore {
  private readonly sql: SqlExecutor;

  constructor(store: Store, private readonly now: () => number = Date.now) {
    this.sql = store.sql;
  }

  async get(flow: string, model: string): Promise<StreamPosition | null> {
    const row = await this.sql.get<{ version: string; record_id: string }>('SELECT version, record_id FROM sync_cursors WHERE flow = ? AND model = ?', [flow, model]);
    return row ? { version: row.version, id: row.record_id } : null;
  }

  async set(flow: string, model: string, position: StreamPosition): Promise<void> {
    await this.sql.run(
      `INSERT INTO sync_cursors (flow, model, version, record_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (flow, model) DO UPDATE SET version = excluded.version, record_id = excluded.record_id, updated_at = excluded.updated_at`,
      [flow, model, position.version, position.id, this.now()],
    );
  }
}
