// The contract between the sync engine and its flows (issue 11). A flow reads
// changes from the system that owns a record and applies them to the other
// system's copy; the engine owns everything around that — cursors, the durable
// job queue, retries, dead letters, exceptions — so a flow is two functions:
//
//   detect(ctx, position, limit) → hints of changed records, in (version, id) order
//   apply(ctx, hint)             → re-reads the record from its owner and writes the
//                                  other system idempotently
//
// A hint is never trusted: webhooks and polls only say "record X changed around
// version V"; `apply` reads today's data from the owner. That is what makes a
// replay (of a dead letter, of an exception) safe: it re-runs the step with the
// data as it is now.
//
// Stability: engineer F implements flows against this file. Changes are additive.
import type { Logger } from '../core/logger.ts';
import type { OdooClient } from '../connectors/odoo/odoo-client.ts';
import type { CrmPort } from '../connectors/crm/port.ts';
import type { AuditTrail } from '../store/audit.ts';
import type { IdempotencyStore } from '../store/idempotency.ts';
import type { OwningTeam } from '../policy/teams.ts';
import { appError, isAppError, type AppError, type ErrorKey } from '../policy/errors.ts';

/** The system a flow reads changes from (the owner of the fields it copies). */
export type FlowSource = 'odoo' | 'crm';

// ChangeHint ("this record changed": model, id in its owner, ISO version — Odoo
// write_date / HubSpot hs_lastmodifieddate; (record, version) is the dedupe key)
// and StreamPosition (strictly after (version, id)) are defined with the queue
// that stores them (store/jobs.ts) and re-exported here.
import type { ChangeHint, StreamPosition } from '../store/jobs.ts';
export type { ChangeHint, StreamPosition };

// Model names in hints: Odoo-sourced flows use Odoo model names (sale.order); CRM-
// sourced flows use the canonical CRM kinds of connectors/crm/port.ts (account,
// contact, deal, quote, quoteLine) plus `product` — HubSpot webhooks are mapped to
// those (worker/webhooks.ts), so a flow's `models` decide which events reach it.

export interface DetectArgs {
  model: string;
  /**
   * Return changes strictly after this position in (version, id) order; null =
   * from the beginning (or from `since`). The engine already moved it back by the
   * clock-skew overlap, so a flow implements plain keyset paging.
   */
  after: StreamPosition | null;
  /** Lower bound the operator asked for (`npm run sync -- --since`), inclusive. */
  since?: string | null;
}

export interface DetectResult {
  /** At most `limit` hints in ascending (version, id) order. */
  changes: ChangeHint[];
  /** True when fewer than `limit` were left: the stream is drained for now. */
  drained: boolean;
}

/** What `apply` did, for the summary and the stats (never raw payloads). */
export interface ApplyResult {
  /** applied: the target changed; unchanged: it already held today's values; skipped: nothing to do for this record (not linked, not relevant). */
  outcome: 'applied' | 'unchanged' | 'skipped';
  /** Short human-readable effects, e.g. "deal 123: odoo_order_state=sale", "note shipped". */
  effects?: string[];
}

// Kinds of integration exception (R8); DEAD_LETTER = retries exhausted on a transient failure.
import { EXCEPTION_TYPES, type ExceptionType } from '../store/exceptions.ts';
export { EXCEPTION_TYPES, type ExceptionType };

/**
 * A failure the flow has classified itself: not retried, recorded at once as an
 * exception of this type for this team (e.g. a VAT mismatch → CROSS_REFERENCE_CONFLICT
 * for SALES_OPERATIONS). Throw `flowFailure(...)` from `apply`. Any other error is
 * classified by the engine (worker/classify.ts): transient backend failures are
 * retried with backoff and dead-lettered after MAX attempts to the flow's team;
 * MAPPING_ERROR → MAPPING for ERP_ADMIN.
 */
export interface FlowFailureDetails {
  type: ExceptionType;
  team: OwningTeam;
  /** The object the exception is about, e.g. { object: 'res.partner', objectId: '42' }. */
  object?: string;
  objectId?: string;
  field?: string | null;
}

/** The ways a flow can write; the engine supplies them bound to the flow (actor = flow name). */
export interface FlowContext {
  /** The flow's name: the actor of its audit entries and exceptions. */
  readonly flow: string;
  readonly odoo: OdooClient;
  readonly crm: CrmPort;
  readonly idempotency: IdempotencyStore;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  /** Aborted when the worker stops or the job's lease is lost: stop between steps. */
  readonly signal: AbortSignal;
  /** One id per job attempt, forwarded to both backends (X-Request-Id) and the audit trail. */
  readonly requestId: string;
  /** The actor of audit entries: { sub: flow name, role: 'integration' }. */
  readonly actor: { sub: string; role: string };
  now(): Date;
  /**
   * Runs `work` at most once for `key` within this flow (idempotency store, scope =
   * flow name): for effects that must happen once per milestone (a note, a task).
   * `fingerprint` is what the effect is about; the same key with another fingerprint
   * is CONFLICT.
   */
  once<T>(key: string, fingerprint: unknown, work: (info: OnceAttempt) => Promise<T>): Promise<{ result: T; replayed: boolean }>;
  /** Records an exception for this flow (same failure on the same object = one row with a count). */
  recordException(input: FlowExceptionInput): Promise<void>;
  /**
   * Runs `work` for `target` — what the step re-reads from its owner and writes whole
   * (`order:42`) — unless it is already done for this job: a run of the same target that
   * started after this job's hint was queued, and after the hint's version settled, has
   * succeeded in this worker (worker/engine.ts has the rules). A
   * picking, an MO and the order itself each hint at the order; one re-read covers them.
   */
  coalesce<T>(target: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /**
   * What the flow's `prefetch` read ahead for the batch this job was claimed in (empty
   * outside a batch, or when the read-ahead failed): shared by the batch's jobs.
   */
  readonly batch: ReadonlyMap<string, unknown>;
}

/**
 * `attempt` > 1: an earlier attempt of this effect started and did not finish (the
 * worker died, or the backend failed mid-call) — the effect may already exist in
 * the target, so look for it before creating it again.
 */
export interface OnceAttempt {
  attempt: number;
}

export interface FlowExceptionInput extends FlowFailureDetails {
  object: string;
  objectId: string;
  code: string;
  message: string;
  /** The hint (or record reference) that failed, so a replay can re-run the step. */
  payload: ChangeHint;
}

export interface Flow {
  /** Stable, kebab-case: `order-status`, `invoice`, `customer-master`, `catalog`. */
  readonly name: string;
  readonly source: FlowSource;
  /** The models whose change streams `detect` reads; each has its own durable cursor. */
  readonly models: readonly string[];
  /** The team a failure goes to when nothing more specific applies. */
  readonly team: OwningTeam;
  /** Poll interval in ms when the flow runs in the worker (default WORKER_POLL_MS). */
  readonly pollMs?: number;
  detect(ctx: FlowContext, args: DetectArgs, limit: number): Promise<DetectResult>;
  apply(ctx: FlowContext, change: ChangeHint): Promise<ApplyResult>;
  /**
   * Optional read-ahead for a claimed batch of this flow's jobs, before the first runs:
   * lookups every job would make one at a time, made once for all (one CRM search for
   * every order the batch is about, where each job would spend one of HubSpot's four
   * searches a second). Returns what `apply` finds in `ctx.batch`. Only reads; a job
   * whose answer is missing reads for itself, so a failed read-ahead costs time, not
   * correctness.
   */
  prefetch?(ctx: FlowContext, changes: readonly ChangeHint[]): Promise<ReadonlyMap<string, unknown>>;
}

// ---------------------------------------------------------------------------
// The job queue: durable, per-record ordered, at-least-once delivery that the
// flows make effectively-once (idempotent apply + `once`). The embedded
// implementation is SQLite (store/jobs.ts); the interface keeps to what
// graphile-worker / pg-boss also offer (job key dedupe, run-at, attempts,
// leases, a dead-letter state), so issue 14 can swap the carrier.
// ---------------------------------------------------------------------------

export type {
  JobStatus, JobOrigin, JobInput, Job, EnqueueResult, QueueStats, JobQueue, CursorStore,
} from '../store/jobs.ts';

export type { AppError };

const FAILURE = 'flowFailure';

/** An error `apply` throws for a failure it has classified (not retried; recorded as an exception at once). */
export function flowFailure(key: ErrorKey, message: string, details: FlowFailureDetails): AppError {
  return appError(key, message, { [FAILURE]: details });
}

/** The classification `flowFailure` attached, if any. */
export function flowFailureOf(err: unknown): FlowFailureDetails | undefined {
  return isAppError(err) ? (err.details[FAILURE] as FlowFailureDetails | undefined) : undefined;
}
