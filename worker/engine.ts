// The sync engine: turns detected changes into durable jobs and runs them.
//
// poll(flow): for each model, read the change stream from the stored cursor moved
//   back by `overlapMs` (clocks of two Odoo workers differ; many records share one
//   write_date second), enqueue every hint, then store the new cursor. Enqueue comes
//   before the cursor, so a crash between them re-reads a page whose jobs the
//   dedupe key drops — nothing skipped, nothing twice.
// work(): claim due jobs (the head of each record's queue only: per-record order),
//   apply each under a lease renewed while it runs, and settle it:
//     applied            → done; exceptions this step raised before are resolved
//     flowFailure(...)   → dead, exception of the flow's chosen type and team
//     MAPPING_ERROR      → dead, MAPPING exception for ERP admin (the rest syncs on)
//     transient (5xx, 429 after the connector's own retries, timeouts, busy keys)
//                        → retried with exponential backoff and full jitter; after
//                          maxAttempts dead, DEAD_LETTER exception for the flow's team
//     anything else      → dead, VALIDATION exception for the flow's team
//   A replay job (from replayException) has one attempt: success resolves its
//   exception, failure puts it back to OPEN with one more occurrence.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger.ts';
import { RequestDeadline } from '../core/deadline.ts';
import type { OdooClient } from '../connectors/odoo/odoo-client.ts';
import type { CrmPort } from '../connectors/crm/port.ts';
import { isAppError } from '../policy/errors.ts';
import type { AuditTrail } from '../store/audit.ts';
import type { ExceptionQueue, ExceptionType } from '../store/exceptions.ts';
import type { IdempotencyStore } from '../store/idempotency.ts';
import { type CursorStore, type JobOrigin, type Job, type JobQueue, type StreamPosition } from '../store/jobs.ts';
import type { OwningTeam } from '../policy/teams.ts';
import { flowFailureOf, type ApplyResult, type ChangeHint, type Flow, type FlowContext } from './flow.ts';

/** Codes worth another attempt later: the backend (or a concurrent holder) may be fine in a while. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'BACKEND_UNAVAILABLE', 'BACKEND_RATE_LIMITED', 'BACKEND_CONFLICT', 'BACKEND_PROTOCOL', 'IN_PROGRESS', 'STORE_UNAVAILABLE', 'PARTIAL_WRITE',
]);

export interface EngineOptions {
  /** Hints read per detect call and jobs claimed per round. */
  batchSize: number;
  /** How long a claimed job is someone's; renewed every third of it while the job runs. */
  leaseMs: number;
  /** Attempts before a transiently failing job is dead-lettered. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to backoffMaxMs, full jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How far behind the cursor a poll starts again (clock skew, equal timestamps). */
  overlapMs: number;
  /** Longest one apply may take before its backend calls are cancelled. */
  jobTimeoutMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  batchSize: 50, leaseMs: 60_000, maxAttempts: 8, backoffBaseMs: 1_000, backoffMaxMs: 300_000, overlapMs: 5_000, jobTimeoutMs: 120_000,
};

export interface EngineDeps {
  flows: readonly Flow[];
  odoo: OdooClient;
  crm: CrmPort;
  queue: JobQueue;
  cursors: CursorStore;
  exceptions: ExceptionQueue;
  audit: AuditTrail;
  idempotency: IdempotencyStore;
  logger: Logger;
  options?: Partial<EngineOptions>;
  /** Worker identity (lease owner); one per process. */
  owner?: string;
  random?: () => number;
  now?: () => Date;
}

export interface PollSummary {
  flow: string;
  detected: number;
  enqueued: number;
  duplicates: number;
}

export interface JobOutcome {
  job: Job;
  result: 'applied' | 'unchanged' | 'skipped' | 'retry' | 'dead';
  effects: string[];
  error?: { code: string; message: string };
}

/** Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelayMs(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Moves a position back by `ms` (to the start of that instant's stream: id ''). */
export function withOverlap(position: StreamPosition | null, ms: number): StreamPosition | null {
  if (!position) return null;
  const t = Date.parse(position.version);
  if (!Number.isFinite(t)) return null;
  return { version: new Date(t - ms).toISOString(), id: '' };
}

/** (version, id) order: ids compare numerically when both are integers. */
export function comparePositions(a: StreamPosition, b: StreamPosition): number {
  const ta = Date.parse(a.version);
  const tb = Date.parse(b.version);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (/^\d+$/.test(a.id) && /^\d+$/.test(b.id)) return Number(a.id) - Number(b.id);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Jobs and targets the coalescing remembers (FlowContext.coalesce); the oldest are forgotten first (they then simply run). */
const COALESCE_MEMORY = 20_000;
/** The batch memo of a context outside a claimed batch (a poll, a job run alone). */
const EMPTY_BATCH: ReadonlyMap<string, unknown> = new Map();

/** A Map that forgets its oldest entries past `max`. */
class RecentMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value!);
    return this;
  }
}

export class SyncEngine {
  readonly options: EngineOptions;
  readonly owner: string;
  private readonly flows: Map<string, Flow>;
  private readonly stopping = new AbortController();
  /**
   * Coalescing (FlowContext.coalesce). A job is done without running its step when
   * - this engine queued its hint (a job another process queued, re-armed or retried
   *   always runs: the entry is consumed when the job first runs), and
   * - a run of the same target started here after that, on this process's monotonic
   *   clock (never compared across machines), and succeeded, and
   * - that run started after the hint's version was settled (the version plus
   *   the queue's settleMs, its own re-arm rule): versions have a granularity (Odoo's
   *   write_date, one second), so a second write with the same version — dropped by the
   *   queue as a duplicate of this very job — may have come after an earlier run.
   */
  private readonly queuedHere = new RecentMap<string, number>(COALESCE_MEMORY);
  private readonly doneHere = new RecentMap<string, { at: number; wallAt: number }>(COALESCE_MEMORY);

  constructor(private readonly deps: EngineDeps) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...deps.options };
    this.owner = deps.owner ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.flows = new Map(deps.flows.map((f) => [f.name, f]));
  }

  flow(name: string): Flow | undefined {
    return this.flows.get(name);
  }

  get flowNames(): string[] {
    return [...this.flows.keys()];
  }

  /** Flows whose source system and model a webhook names. */
  flowsFor(source: Flow['source'], model: string): Flow[] {
    return [...this.flows.values()].filter((f) => f.source === source && f.models.includes(model));
  }

  stop(): void {
    this.stopping.abort();
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /**
   * Reads each model's change stream of `flowName` into jobs. `since` (CLI backfill)
   * starts from that instant instead of the cursor; the cursor still only moves forward.
   */
  async poll(flowName: string, opts: { since?: string | null; origin?: 'poll' | 'cli'; maxPages?: number; onProgress?: (s: PollSummary) => void } = {}): Promise<PollSummary> {
    const flow = this.requireFlow(flowName);
    const summary: PollSummary = { flow: flow.name, detected: 0, enqueued: 0, duplicates: 0 };
    for (const model of flow.models) {
      const stored = await this.deps.cursors.get(flow.name, model);
      let after = opts.since ? null : withOverlap(stored, this.options.overlapMs);
      for (let page = 0; page < (opts.maxPages ?? 1_000) && !this.stopped; page++) {
        const ctx = this.context(flow, `poll-${randomUUID()}`, this.stopping.signal);
        const { changes, drained } = await flow.detect(ctx, { model, after, since: opts.since ?? null }, this.options.batchSize);
        for (const change of changes) {
          summary.detected++;
          const r = await this.enqueueHere(flow.name, change, opts.origin ?? 'poll');
          if (r.duplicate) summary.duplicates++;
          else summary.enqueued++;
        }
        const last = changes.at(-1);
        if (last) {
          const position = { version: last.version, id: last.recordId };
          const current = await this.deps.cursors.get(flow.name, model);
          if (!current || comparePositions(position, current) > 0) await this.deps.cursors.set(flow.name, model, position);
          after = position;
        }
        opts.onProgress?.(summary);
        if (drained || !last) break;
      }
    }
    return summary;
  }

  /** A hint from outside (webhook, CLI): queued like a polled one, deduplicated the same way. */
  async hint(flowName: string, change: ChangeHint, origin: 'webhook' | 'cli'): Promise<{ duplicate: boolean }> {
    this.requireFlow(flowName);
    const r = await this.enqueueHere(flowName, change, origin);
    return { duplicate: r.duplicate };
  }

  /** Queues a hint and remembers when, on this process's clock, for coalescing. */
  private async enqueueHere(flow: string, change: ChangeHint, origin: JobOrigin) {
    const queuedAt = performance.now();
    const r = await this.deps.queue.enqueue({ flow, change, origin, maxAttempts: this.options.maxAttempts });
    if (r.job) this.queuedHere.set(r.job.id, queuedAt);
    return r;
  }

  /** Claims and runs one round of due jobs (of `flows`, default all); resolves to what happened to each. */
  async work(opts: { flows?: readonly string[]; limit?: number } = {}): Promise<JobOutcome[]> {
    const names = opts.flows ?? this.flowNames;
    const { queue, logger } = this.deps;
    const jobs = await queue.claim(this.owner, opts.limit ?? this.options.batchSize, this.options.leaseMs, names);
    const outcomes: JobOutcome[] = [];
    // The whole batch is this worker's until each job starts (run() renews the running one):
    // renewing only the running job let the rest of a batch expire under load, and another
    // worker ran them a second time. A job whose lease was lost anyway is left to its new holder.
    const waiting = new Map(jobs.map((j) => [j.id, j]));
    const lost = new Set<string>();
    const keepalive = setInterval(() => {
      for (const id of waiting.keys()) {
        queue.renew(id, this.owner, this.options.leaseMs).then(
          (held) => { if (!held) lost.add(id); },
          (e: unknown) => logger.warn({ err: e, job: id }, 'renewing a waiting job lease failed'),
        );
      }
    }, Math.max(250, Math.floor(this.options.leaseMs / 3)));
    keepalive.unref();
    try {
      const batches = await this.prefetch(jobs);
      for (const job of jobs) {
        if (this.stopped) break; // unclaimed by lease expiry; another worker (or this one after restart) picks it up
        waiting.delete(job.id);
        if (lost.has(job.id)) continue;
        outcomes.push(await this.run(job, batches.get(job.flow)));
      }
    } finally {
      clearInterval(keepalive);
    }
    return outcomes;
  }

  /**
   * Each flow's read-ahead for its jobs of a claimed batch (Flow.prefetch); a failed one
   * is logged and left out. Only worth it for two jobs or more. It is optional work, so
   * it gets a third of a lease (not a job's timeout: under rate limiting a slow read-ahead
   * would hold every job of the batch back) and a stop aborts it at once.
   */
  private async prefetch(jobs: readonly Job[]): Promise<Map<string, ReadonlyMap<string, unknown>>> {
    const out = new Map<string, ReadonlyMap<string, unknown>>();
    const byFlow = new Map<string, Job[]>();
    for (const j of jobs) byFlow.set(j.flow, [...(byFlow.get(j.flow) ?? []), j]);
    for (const [name, changes] of byFlow) {
      const flow = this.flows.get(name);
      if (!flow?.prefetch || changes.length < 2 || this.stopped) continue;
      const deadline = new RequestDeadline(Math.min(this.options.jobTimeoutMs, Math.max(1_000, Math.floor(this.options.leaseMs / 3))));
      const onStop = () => deadline.abort('abandoned');
      this.stopping.signal.addEventListener('abort', onStop, { once: true });
      const ctx = this.context(flow, `prefetch-${randomUUID()}`, deadline.signal, deadline);
      try {
        out.set(name, await flow.prefetch(ctx, changes.map((j) => j.change)));
      } catch (e) {
        ctx.logger.warn({ err: e, jobs: changes.length }, 'reading ahead for a batch failed; its jobs read for themselves');
      } finally {
        this.stopping.signal.removeEventListener('abort', onStop);
        deadline.dispose();
      }
    }
    return out;
  }

  /** Runs due jobs until none is due (tests, CLI). */
  async drain(opts: { flows?: readonly string[]; maxRounds?: number; onJob?: (o: JobOutcome) => void } = {}): Promise<JobOutcome[]> {
    const all: JobOutcome[] = [];
    for (let round = 0; round < (opts.maxRounds ?? 1_000) && !this.stopped; round++) {
      const outcomes = await this.work({ flows: opts.flows });
      for (const o of outcomes) opts.onJob?.(o);
      all.push(...outcomes);
      if (outcomes.length === 0) break;
    }
    return all;
  }

  private requireFlow(name: string): Flow {
    const flow = this.flows.get(name);
    if (!flow) throw new Error(`unknown flow ${name}; known: ${this.flowNames.join(', ')}`);
    return flow;
  }

  private async run(job: Job, batch?: ReadonlyMap<string, unknown>): Promise<JobOutcome> {
    const { queue, exceptions, logger } = this.deps;
    const flow = this.flows.get(job.flow);
    const requestId = `sync-${job.id}-${job.attempts}`;
    if (!flow) {
      // A job of a flow this build no longer has: keep it visible rather than spin on it.
      const error = { code: 'CONFIG_INVALID', message: `no flow named ${job.flow} in this worker` };
      await queue.fail(job.id, this.owner, error, 'dead');
      return { job, result: 'dead', effects: [], error };
    }
    const deadline = new RequestDeadline(this.options.jobTimeoutMs);
    const signal = AbortSignal.any([deadline.signal, this.stopping.signal]);
    const heartbeat = setInterval(() => {
      queue.renew(job.id, this.owner, this.options.leaseMs).then(
        (held) => { if (!held) deadline.abort('abandoned'); },
        (e: unknown) => logger.warn({ err: e, job: job.id }, 'renewing a job lease failed'),
      );
    }, Math.max(250, Math.floor(this.options.leaseMs / 3)));
    heartbeat.unref();
    try {
      // Only a first attempt of a job this engine queued is coalesced, and only once (see queuedHere).
      const queuedAt = this.queuedHere.get(job.id);
      this.queuedHere.delete(job.id);
      const coalescible = queuedAt !== undefined && job.attempts <= 1 ? { queuedAt, version: job.change.version } : undefined;
      const ctx = this.context(flow, requestId, signal, deadline, coalescible, batch);
      const result: ApplyResult = await flow.apply(ctx, job.change);
      if (!(await queue.complete(job.id, this.owner))) {
        logger.warn({ job: job.id, flow: flow.name }, 'job lease lost before completion; another worker re-runs it (idempotently)');
      }
      if (job.exceptionId) await exceptions.resolve(job.exceptionId, flow.name, `replayed: ${result.outcome}`);
      await exceptions.resolveForRecord(flow.name, job.change, `a later run applied (${result.outcome})`);
      return { job, result: result.outcome, effects: result.effects ?? [] };
    } catch (err) {
      return await this.settleFailure(flow, job, err, requestId);
    } finally {
      clearInterval(heartbeat);
      deadline.dispose();
    }
  }

  private async settleFailure(flow: Flow, job: Job, err: unknown, requestId: string): Promise<JobOutcome> {
    const { queue, exceptions, logger } = this.deps;
    const code = isAppError(err) ? err.code : 'INTERNAL_SERVER_ERROR';
    // Messages of AppErrors are ours (no backend text); anything else is a bug, logged, not stored.
    const message = isAppError(err) ? err.message : 'unexpected failure in the flow (see the worker log)';
    const error = { code, message };
    if (!isAppError(err)) logger.error({ err, job: job.id, flow: flow.name }, 'flow failed unexpectedly');
    const classified = flowFailureOf(err);
    const transient = !classified && TRANSIENT_CODES.has(code);
    if (transient && job.attempts < job.maxAttempts && !this.stopped) {
      const delayMs = backoffDelayMs(job.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs, this.deps.random);
      await queue.fail(job.id, this.owner, error, { delayMs });
      logger.info({ job: job.id, flow: flow.name, code, attempt: job.attempts, delayMs }, 'sync job will be retried');
      return { job, result: 'retry', effects: [], error };
    }
    if (transient && this.stopped) {
      // Stopping is not the job's fault: leave it to the lease to hand it on, attempts unchanged in spirit.
      await queue.fail(job.id, this.owner, error, { delayMs: 0 });
      return { job, result: 'retry', effects: [], error };
    }
    await queue.fail(job.id, this.owner, error, 'dead');
    let type: ExceptionType;
    let team: OwningTeam;
    if (classified) ({ type, team } = classified);
    else if (code === 'MAPPING_ERROR') (type = 'MAPPING', team = 'ERP_ADMIN');
    else if (code === 'CROSS_REFERENCE_CONFLICT') (type = 'CROSS_REFERENCE_CONFLICT', team = 'ERP_ADMIN');
    else if (transient) (type = 'DEAD_LETTER', team = flow.team);
    else (type = 'VALIDATION', team = flow.team);
    const details = isAppError(err) ? err.details : {};
    const object = classified?.object ?? (typeof details.model === 'string' ? details.model : job.change.model);
    const objectId = classified?.objectId ?? (details.recordId != null ? String(details.recordId) : job.change.recordId);
    if (job.exceptionId) {
      await exceptions.reopen(job.exceptionId, error, requestId);
    } else {
      await exceptions.record({
        team, type, code, message, object, objectId, field: classified?.field ?? (typeof details.field === 'string' ? details.field : null),
        requestId, actor: flow.name, attempts: job.attempts, payload: { flow: flow.name, change: job.change },
      });
    }
    logger.warn({ job: job.id, flow: flow.name, code, type, team }, 'sync job dead-lettered to an exception');
    return { job, result: 'dead', effects: [], error };
  }

  /** What a flow may use, bound to it (actor = its name) and to one job attempt. */
  /** `coalescible`: when this engine queued the job's hint, and its version; without it every step runs (FlowContext.coalesce). */
  context(flow: Flow, requestId: string, signal: AbortSignal, deadline?: RequestDeadline, coalescible?: { queuedAt: number; version: string }, batch: ReadonlyMap<string, unknown> = EMPTY_BATCH): FlowContext {
    const { odoo, crm, idempotency, audit, exceptions, logger } = this.deps;
    const now = this.deps.now ?? (() => new Date());
    return {
      flow: flow.name,
      odoo: deadline ? odoo.forRequest(deadline) : odoo,
      crm: deadline ? crm.forRequest(deadline) : crm,
      idempotency,
      audit,
      logger: logger.child({ flow: flow.name, requestId }),
      signal,
      requestId,
      actor: { sub: flow.name, role: 'integration' },
      now,
      batch,
      once: (key, fingerprint, work) =>
        idempotency.run({ scope: `sync:${flow.name}`, key, actor: flow.name, fingerprint }, (progress) => work({ attempt: progress.attempt })),
      coalesce: async (target, work) => {
        const key = `${flow.name}|${target}`;
        const last = this.doneHere.get(key);
        const settledAt = coalescible ? Date.parse(coalescible.version) + this.deps.queue.settleMs : NaN;
        if (coalescible && last && last.at > coalescible.queuedAt && last.wallAt >= settledAt) return { ran: false };
        const started = { at: performance.now(), wallAt: Date.now() };
        const value = await work();
        if (started.at > (this.doneHere.get(key)?.at ?? -Infinity)) this.doneHere.set(key, started);
        return { ran: true, value };
      },
      recordException: async (input) => {
        await exceptions.record({
          team: input.team, type: input.type, code: input.code, message: input.message, object: input.object, objectId: input.objectId,
          field: input.field ?? null, requestId, actor: flow.name, payload: { flow: flow.name, change: input.payload },
        });
      },
    };
  }
}
