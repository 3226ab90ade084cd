// Exactly-once mutations (R7, §3): CRM UI extensions send an idempotency key and
// `hubspot.fetch` retries once on 5xx, users double-click, and a writes-subgraph
// process can die mid-write. `IdempotencyStore.run` makes a keyed unit of work run once:
//
// - The database decides who runs: an INSERT against PRIMARY KEY (scope, key) inside
//   one transaction (SQLite: IMMEDIATE; Postgres: under the key's advisory lock); the winner holds a lease (`owner`, `lease_expires_at`).
// - A later call with the same key and the same payload gets the stored JSON result
//   (`replayed: true`); another payload or another actor is CONFLICT.
// - Concurrent calls in one process share one promise; a call in another process
//   that finds the key `in_progress` polls until it completes, fails, or its lease
//   expires (the owner crashed) — then it takes the key over. Either kind of wait is
//   bounded (`waitMs`): past it the caller gets IN_PROGRESS with `retryAfterMs`, at
//   once rather than after the gateway's own timeout.
// - A live attempt renews its lease (heartbeat, every third of `leaseMs`), so the
//   lease only has to outlast a missed heartbeat, not the longest possible attempt:
//   a dead holder's key is taken over `leaseMs` after its last heartbeat.
// - Work records durable per-step results (`ProgressRecorder`), so a retry after a
//   failure, a crash or a restart completes only the steps that are missing.
//   Recording renews the lease and is fenced: an attempt whose key was taken over
//   cannot record any more (CONFLICT).
// - Results are stored as JSON and every caller — the first one included — gets the
//   JSON round-tripped value, so a replay is indistinguishable from the first answer.
//   `T` must therefore be JSON-serialisable (Dates come back as ISO strings).
// - Keys are remembered at least `IDEMPOTENCY_TTL_HOURS` after their last write;
//   `purgeExpired` removes older ones (never a key whose lease is still live).
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, ERRORS, appError, isAppError, type ErrorKey } from '../policy/errors.ts';
import type { Store } from './database.ts';
import type { SqlExecutor } from './sql.ts';
import { DEFAULT_IDEMPOTENCY_LEASE_MS, DEFAULT_IDEMPOTENCY_TTL_HOURS, DEFAULT_IDEMPOTENCY_WAIT_MS } from './config.ts';
import { idempotencyOutcomes } from '../core/metrics.ts';

/** The one definition of a client's idempotency key: the pattern and what to tell a client that breaks it. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
/** Completes "idempotencyKey …" in a BAD_USER_INPUT message (here and in the mutations' input parsing). */
export const IDEMPOTENCY_KEY_RULE = 'must be 1–200 characters of A–Z a–z 0–9 . _ : -';
/** Heartbeats never come further apart than this, whatever the lease (a timer cannot take hours). */
const MAX_HEARTBEAT_MS = 30_000;

const REUSED_MESSAGE = 'idempotency key reused with a different payload';
const MAX_ERROR_MESSAGE = 1_000;

export interface ProgressRecorder {
  /** The value recorded for `step` by this or an earlier attempt, or undefined. */
  get(step: string): unknown | undefined;
  /** Durably records `step` (JSON; `undefined` is stored as null) and renews the lease. */
  record(step: string, value: unknown): Promise<void>;
  /** Steps recorded so far, in the order they were first recorded. */
  recordedSteps(): string[];
  /** 1 for the first attempt, 2 for the first retry after a failure or takeover, … */
  readonly attempt: number;
}

export interface IdempotencyRunArgs {
  key: string;
  /** What the key is unique within, e.g. the mutation name. */
  scope: string;
  /** The caller (`sub`); a key is bound to the actor that first used it. */
  actor: string;
  /** The validated input; sha256 of its canonical (sorted-keys) JSON. */
  fingerprint: unknown;
}

export interface IdempotencyOutcome<T> {
  result: T;
  /** True when this call did not run the work (stored result, or another concurrent call's). */
  replayed: boolean;
}

export type IdempotencyStatus = 'in_progress' | 'completed' | 'failed';

export interface IdempotencyKeyInfo {
  scope: string;
  key: string;
  actor: string;
  status: IdempotencyStatus;
  attempts: number;
  steps: string[];
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  leaseExpiresAt: string | null;
}

export interface IdempotencyStoreOptions {
  /** `IDEMPOTENCY_LEASE_MS`: how long a lease outlives its last heartbeat; default 15 000. */
  leaseMs?: number;
  /** `IDEMPOTENCY_WAIT_MS`: the longest a call waits for another live attempt on its key; default 8 000 (under the gateway's 14 s). */
  waitMs?: number;
  /** `IDEMPOTENCY_TTL_HOURS`; default 72. */
  ttlHours?: number;
  /** First wait between polls of a key held by another process; doubles up to `pollMaxMs`. */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Clock in epoch milliseconds (tests). */
  now?: () => number;
}

interface KeyRow {
  scope: string;
  key: string;
  actor: string;
  fingerprint: string;
  status: IdempotencyStatus;
  owner: string | null;
  lease_expires_at: number | null;
  attempts: number;
  result_json: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
}

type Claim =
  | { kind: 'claimed'; owner: string; attempt: number; steps: Array<{ step: string; value_json: string }> }
  | { kind: 'completed'; resultJson: string }
  | { kind: 'failed'; row: KeyRow }
  | { kind: 'wait'; leaseExpiresAt: number };

interface Inflight {
  fingerprint: string;
  actor: string;
  promise: Promise<unknown>;
}

/** Validates an idempotency key from a client; BAD_USER_INPUT names `idempotencyKey`. */
export function assertIdempotencyKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw appError('BAD_USER_INPUT', `idempotencyKey ${IDEMPOTENCY_KEY_RULE}`, { field: 'idempotencyKey' });
  }
}

/** JSON with object keys sorted at every depth (JSON.stringify semantics otherwise). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, new Set())) ?? 'null';
}

/** sha256 (hex) of the canonical JSON of a value. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function sortKeys(value: unknown, seen: Set<object>): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (typeof value === 'bigint') throw appError('INTERNAL', 'idempotency fingerprint: bigint is not JSON');
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) throw appError('INTERNAL', 'idempotency fingerprint: circular value');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => sortKeys(v, seen));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k], seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

function toJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (e) {
    throw appError('INTERNAL', `${what} is not JSON-serialisable`, {}, e);
  }
  return json ?? 'null';
}

function errorKeyOf(code: string | null): ErrorKey {
  const hit = (Object.keys(ERRORS) as ErrorKey[]).find((k) => ERRORS[k].code === code);
  return hit ?? 'INTERNAL';
}

/** The statements of the store, one text for both engines. */
const SQL = {
  insert: `INSERT INTO idempotency_keys (scope, key, actor, fingerprint, status, owner, lease_expires_at, attempts, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'in_progress', ?, ?, 1, ?, ?)
           ON CONFLICT (scope, key) DO NOTHING`,
  get: 'SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?',
  takeOver: `UPDATE idempotency_keys
                SET status = 'in_progress', owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                    error_code = NULL, error_message = NULL, updated_at = ?
              WHERE scope = ? AND key = ?`,
  renew: `UPDATE idempotency_keys SET lease_expires_at = ?, updated_at = ?
           WHERE scope = ? AND key = ? AND owner = ? AND status = 'in_progress'`,
  complete: `UPDATE idempotency_keys
                SET status = 'completed', result_json = ?, owner = NULL, lease_expires_at = NULL, updated_at = ?
              WHERE scope = ? AND key = ? AND owner = ? AND status = 'in_progress'`,
  fail: `UPDATE idempotency_keys
            SET status = 'failed', error_code = ?, error_message = ?, owner = NULL, lease_expires_at = NULL, updated_at = ?
          WHERE scope = ? AND key = ? AND owner = ? AND status = 'in_progress'`,
  steps: 'SELECT step, value_json FROM idempotency_progress WHERE scope = ? AND key = ? ORDER BY recorded_at, step',
  upsertStep: `INSERT INTO idempotency_progress (scope, key, step, value_json, recorded_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (scope, key, step) DO UPDATE SET value_json = excluded.value_json`,
  purgeSteps: `DELETE FROM idempotency_progress WHERE (scope, key) IN (
                 SELECT scope, key FROM idempotency_keys
                  WHERE updated_at < ? AND NOT (status = 'in_progress' AND lease_expires_at > ?))`,
  purgeKeys: `DELETE FROM idempotency_keys WHERE updated_at < ? AND NOT (status = 'in_progress' AND lease_expires_at > ?)`,
} as const;

export class IdempotencyStore {
  readonly leaseMs: number;
  readonly ttlMs: number;
  readonly waitMs: number;
  readonly heartbeatMs: number;
  private readonly now: () => number;
  private readonly pollMinMs: number;
  private readonly pollMaxMs: number;
  private readonly inflight = new Map<string, Inflight>();
  private readonly sql: SqlExecutor;

  constructor(store: Store, options: IdempotencyStoreOptions = {}) {
    this.sql = store.sql;
    this.leaseMs = options.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;
    this.ttlMs = (options.ttlHours ?? DEFAULT_IDEMPOTENCY_TTL_HOURS) * 3_600_000;
    this.waitMs = options.waitMs ?? DEFAULT_IDEMPOTENCY_WAIT_MS;
    this.heartbeatMs = Math.min(Math.max(1, Math.floor(this.leaseMs / 3)), MAX_HEARTBEAT_MS);
    this.pollMinMs = options.pollMinMs ?? 20;
    this.pollMaxMs = Math.max(this.pollMinMs, options.pollMaxMs ?? 250);
    this.now = options.now ?? Date.now;
    if (!(this.leaseMs > 0) || !(this.ttlMs > 0)) throw appError('INTERNAL', 'IdempotencyStore: leaseMs and ttlHours must be positive');
  }

  /**
   * Who runs the key: one transaction that either inserts it, or reads it and takes it
   * over. The read-then-update is atomic across processes (SQLite: BEGIN IMMEDIATE;
   * Postgres: the key's advisory lock, taken before anything is read).
   */
  private claim(scope: string, key: string, actor: string, fingerprint: string, canResume: boolean): Promise<Claim> {
    return this.sql.transaction(async (tx): Promise<Claim> => {
      await tx.lock(`idempotency:${scope}|${key}`);
      const now = this.now();
      const owner = randomUUID();
      const inserted = await tx.run(SQL.insert, [scope, key, actor, fingerprint, owner, now + this.leaseMs, now, now]);
      if (inserted.changes === 1) return { kind: 'claimed', owner, attempt: 1, steps: [] };
      const row = await tx.get<KeyRow>(SQL.get, [scope, key]);
      if (!row) return { kind: 'wait', leaseExpiresAt: now };
      if (row.actor !== actor || row.fingerprint !== fingerprint) {
        throw appError('CONFLICT', REUSED_MESSAGE, { field: 'idempotencyKey' });
      }
      if (row.status === 'completed') return { kind: 'completed', resultJson: row.result_json ?? 'null' };
      if (row.status === 'failed' && !canResume) return { kind: 'failed', row };
      const stale = row.status === 'in_progress' && (row.lease_expires_at ?? 0) <= now;
      if (row.status === 'failed' || stale) {
        await tx.run(SQL.takeOver, [owner, now + this.leaseMs, now, scope, key]);
        return { kind: 'claimed', owner, attempt: row.attempts + 1, steps: await tx.query(SQL.steps, [scope, key]) };
      }
      return { kind: 'wait', leaseExpiresAt: row.lease_expires_at ?? now };
    });
  }

  /** Records a step; fenced by the lease (renewed in the same transaction). */
  private recordStep(scope: string, key: string, owner: string, step: string, valueJson: string): Promise<void> {
    return this.sql.transaction(async (tx) => {
      const now = this.now();
      if ((await tx.run(SQL.renew, [now + this.leaseMs, now, scope, key, owner])).changes !== 1) {
        throw appError('CONFLICT', 'idempotency lease lost: another attempt took this key over', { field: 'idempotencyKey' });
      }
      await tx.run(SQL.upsertStep, [scope, key, step, valueJson, now]);
    });
  }

  async run<T>(args: IdempotencyRunArgs, work: (progress: ProgressRecorder) => Promise<T>): Promise<IdempotencyOutcome<T>> {
    try {
      const outcome = await this.runOnce(args, work);
      if (outcome.replayed) idempotencyOutcomes.inc({ outcome: 'replay' });
      return outcome;
    } catch (e) {
      // Counted: a key reused for another request (a client bug an operator should see), not a lost lease.
      if (isAppError(e) && e.code === 'CONFLICT' && e.message === REUSED_MESSAGE) idempotencyOutcomes.inc({ outcome: 'conflict' });
      throw e;
    }
  }

  private async runOnce<T>(args: IdempotencyRunArgs, work: (progress: ProgressRecorder) => Promise<T>): Promise<IdempotencyOutcome<T>> {
    assertIdempotencyKey(args.key);
    if (typeof args.scope !== 'string' || args.scope.length === 0) throw appError('INTERNAL', 'IdempotencyStore.run: scope is required');
    if (typeof args.actor !== 'string' || args.actor.length === 0) throw appError('INTERNAL', 'IdempotencyStore.run: actor is required');
    const { scope, key, actor } = args;
    const fingerprint = fingerprintOf(args.fingerprint);
    const mapKey = `${scope}\u0000${key}`;

    // Everything up to the first await below is synchronous, so no two calls in this
    // process can both miss the map.
    const current = this.inflight.get(mapKey);
    if (current) {
      if (current.fingerprint !== fingerprint || current.actor !== actor) {
        throw appError('CONFLICT', REUSED_MESSAGE, { field: 'idempotencyKey' });
      }
      return { result: (await this.boundedWait(current.promise, scope, key)) as T, replayed: true };
    }
    const leading = this.lead(scope, key, actor, fingerprint, work);
    const shared = leading.then((o) => o.result);
    shared.catch(() => undefined); // followers observe it; the leader's caller gets the rejection
    this.inflight.set(mapKey, { fingerprint, actor, promise: shared });
    try {
      return await leading;
    } finally {
      this.inflight.delete(mapKey);
    }
  }

  /** Removes keys (and their progress) last written before `now - TTL`, except live leases. Returns how many. */
  purgeExpired(now: Date = new Date(this.now())): Promise<number> {
    const t = now.getTime();
    return this.sql.transaction(async (tx) => {
      await tx.run(SQL.purgeSteps, [t - this.ttlMs, t]);
      return (await tx.run(SQL.purgeKeys, [t - this.ttlMs, t])).changes;
    });
  }

  /** What the store knows about a key (operations, tests); null if unknown. */
  async inspect(scope: string, key: string): Promise<IdempotencyKeyInfo | null> {
    const row = await this.sql.get<KeyRow>(SQL.get, [scope, key]);
    if (!row) return null;
    const steps = await this.sql.query<{ step: string }>(SQL.steps, [scope, key]);
    return {
      scope: row.scope,
      key: row.key,
      actor: row.actor,
      status: row.status,
      attempts: row.attempts,
      steps: steps.map((r) => r.step),
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      leaseExpiresAt: row.lease_expires_at == null ? null : new Date(row.lease_expires_at).toISOString(),
    };
  }

  private async lead<T>(
    scope: string,
    key: string,
    actor: string,
    fingerprint: string,
    work: (progress: ProgressRecorder) => Promise<T>,
  ): Promise<IdempotencyOutcome<T>> {
    let waited = false;
    let delay = this.pollMinMs;
    // Real elapsed time, not the lease clock: tests move that one by hand.
    const giveUpAt = performance.now() + this.waitMs;
    for (;;) {
      // A new call resumes a failed key; a call that was waiting on another process's
      // attempt reports that attempt's failure instead (like in-process followers do).
      const claim = await this.claim(scope, key, actor, fingerprint, !waited);
      switch (claim.kind) {
        case 'completed':
          return { result: JSON.parse(claim.resultJson) as T, replayed: true };
        case 'failed':
          throw this.storedError(claim.row);
        case 'claimed':
          return await this.execute(scope, key, claim, work);
        case 'wait':
          if (performance.now() >= giveUpAt) throw this.inProgress(claim.leaseExpiresAt);
          waited = true;
          await sleep(delay);
          delay = Math.min(delay * 2, this.pollMaxMs);
      }
    }
  }

  private async execute<T>(
    scope: string,
    key: string,
    claim: Extract<Claim, { kind: 'claimed' }>,
    work: (progress: ProgressRecorder) => Promise<T>,
  ): Promise<IdempotencyOutcome<T>> {
    const { owner } = claim;
    const steps = new Map<string, unknown>(claim.steps.map((r) => [r.step, JSON.parse(r.value_json)]));
    const progress: ProgressRecorder = {
      attempt: claim.attempt,
      get: (step) => steps.get(step),
      record: async (step, value) => {
        if (typeof step !== 'string' || step.length === 0) throw appError('INTERNAL', 'ProgressRecorder.record: step is required');
        const json = toJson(value, `progress step "${step}"`);
        await this.recordStep(scope, key, owner, step, json);
        steps.set(step, JSON.parse(json));
      },
      recordedSteps: () => [...steps.keys()],
    };

    // The heartbeat: while this attempt is alive its lease stays ahead of the clock. It
    // stops by itself once the lease is lost (taken over) or the store is gone.
    const heartbeat = setInterval(() => {
      const now = this.now();
      this.sql.run(SQL.renew, [now + this.leaseMs, now, scope, key, owner]).then(
        (r) => { if (r.changes !== 1) clearInterval(heartbeat); },
        () => clearInterval(heartbeat),
      );
    }, this.heartbeatMs);
    heartbeat.unref();
    let resultJson: string;
    try {
      resultJson = toJson(await work(progress), 'idempotent result');
    } catch (e) {
      clearInterval(heartbeat);
      const code = isAppError(e) ? e.code : ERRORS.INTERNAL.code;
      const message = (e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR_MESSAGE);
      try {
        await this.sql.run(SQL.fail, [code, message, this.now(), scope, key, owner]);
      } catch {
        // The store is gone (closing process): the lease expires and a retry takes the key over.
      }
      throw e;
    }
    clearInterval(heartbeat);
    // If the lease was lost meanwhile, the attempt that took over will store its own
    // result; this caller still gets the result of the work it did.
    await this.sql.run(SQL.complete, [resultJson, this.now(), scope, key, owner]);
    return { result: JSON.parse(resultJson) as T, replayed: false };
  }

  /** Waits for this process's running attempt on the key, at most `waitMs`. */
  private async boundedWait<R>(promise: Promise<R>, scope: string, key: string): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.sql.get<KeyRow>(SQL.get, [scope, key]).then(
          (row) => reject(this.inProgress(row?.lease_expires_at ?? this.now())),
          () => reject(this.inProgress(this.now())),
        );
      }, this.waitMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The answer to a caller whose key a live attempt holds: come back when its lease would have run out. */
  private inProgress(leaseExpiresAt: number): AppError {
    const retryAfterMs = Math.max(1_000, leaseExpiresAt - this.now());
    return appError('IN_PROGRESS', `Another attempt with this idempotency key is still running; retry with the same key in ${Math.ceil(retryAfterMs / 1000)} s`, {
      field: 'idempotencyKey', retryAfterMs,
    });
  }

  private storedError(row: KeyRow): AppError {
    const errKey = errorKeyOf(row.error_code);
    // An unexpected error's own message stays in the store for operators, never goes to a client.
    const message = errKey === 'INTERNAL' ? 'Internal error' : (row.error_message ?? 'the earlier attempt failed');
    return appError(errKey, message, { idempotencyStatus: 'failed' });
  }
}
