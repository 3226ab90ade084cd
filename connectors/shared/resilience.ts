// The resilience every connector puts between its callers and its backend, built
// once on cockatiel and configured per backend (R7):
//
//   breaker ─▶ retry ─▶ bulkhead ─▶ timeout ─▶ one attempt on the wire
//
// - circuit breaker (outermost): after `breakerFailures` consecutive calls that
//   ended because the backend looked unhealthy (5xx, timeouts, connection errors —
//   never 4xx, 429 or our own refusals) it opens, and every call fails at once with
//   BACKEND_UNAVAILABLE naming the system, without touching the backend. After
//   `breakerHalfOpenMs` the next call is let through as a single probe (no retries
//   while the breaker is not closed); its success closes the breaker, its failure
//   opens it again. A call counts once, after its retries: retries are the cure for
//   a blip, the breaker for an outage.
// - retry: only what the backend's own classification (connectors/*/errors.ts)
//   says may be repeated, at most `maxRetries` times, exponential backoff with half
//   jitter capped at BACKOFF_CAP_FACTOR × `retryBaseMs`; a Retry-After the
//   backend sends is waited for (at least), and one longer than `maxRetryAfterMs`
//   is not waited for at all — the failure is reported at once.
// - bulkhead: at most `maxConcurrency` attempts in flight, at most `maxQueue`
//   waiting; a slot is held per attempt, not across backoff.
// - timeout: each attempt is abandoned after `timeoutMs`; the attempt's signal is
//   aborted so the connector can tear the request down.
// - deadline (core/deadline.ts): a call made for a request carries the request's
//   deadline. No attempt starts once it has passed, an attempt is cut at it, and a
//   backoff or Retry-After wait is made only when the wait and MIN_ATTEMPT_MS of an
//   attempt still end before it; otherwise the call fails at once with the last
//   failure's code (BACKEND_UNAVAILABLE, BACKEND_RATE_LIMITED…) and
//   `deadlineReached`. Its signal aborts the call wherever it is: waiting for a
//   bulkhead slot (the queued attempt is dropped), backing off, or on the wire.
//
// Each client owns one policy, so breaker and bulkhead are per client (in production
// one per backend per subgraph process). One event shape for both backends
// (ResilienceEvent); the clients' older hooks are views of it.
import {
  BulkheadPolicy,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutPolicy,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  halfJitterGenerator,
  handleWhen,
  BrokenCircuitError,
  BulkheadRejectedError,
  TaskCancelledError,
  retry,
  timeout,
  type IBackoff,
} from 'cockatiel';
import { appError, isAppError, type AppError, type ErrorDetails, type SystemName } from '../../policy/errors.ts';
import { reachedDeadline, type Deadline } from '../../core/deadline.ts';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { spansRecorded, tracer } from '../../core/tracing.ts';
import { backendSlot } from '../../core/metrics.ts';
import { recordBackendEvent } from './backend-telemetry.ts';
import type { EventBase, ResilienceEvent, ResilienceObserver } from './resilience-events.ts';

/** The longest backoff, as a multiple of the first one (both backends). */
export const BACKOFF_CAP_FACTOR = 16;

/**
 * The least time an attempt is worth starting with: below it, even a healthy
 * backend's answer (a round trip, a small query) cannot arrive before the deadline.
 */
export const MIN_ATTEMPT_MS = 100;

/** Defaults shared by both connectors' configuration (each still has its own variables). */
export const RESILIENCE_DEFAULTS = {
  /** Attempts waiting for a slot before new ones are refused. */
  maxQueue: 1000,
  /** Longest Retry-After waited for. */
  maxRetryAfterMs: 30_000,
  /** Consecutive unhealthy calls that open the breaker. */
  breakerFailures: 5,
  /** How long an open breaker refuses calls before it lets one probe through. */
  breakerHalfOpenMs: 30_000,
} as const;

/** The part of a connector's configuration this module reads. */
export interface ResilienceSettings {
  timeoutMs: number;
  maxConcurrency: number;
  maxQueue: number;
  maxRetries: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
}

/** How a backend judges one failed attempt (written in connectors/<backend>/errors.ts). */
export interface Verdict {
  /** Another attempt may be made (the call is safe to repeat and the failure transient). */
  retry: boolean;
  /** What the backend asked us to wait (Retry-After); the backoff waits at least this long. */
  retryAfterMs?: number;
  /** The failure says the backend is unhealthy (5xx, timeout, connection): it counts for the breaker. */
  unhealthy: boolean;
  /** Short reason for events: an HTTP status, `timeout`, `network`, an error code. */
  reason: string;
  httpStatus?: number;
}

export interface BackendRules {
  system: SystemName;
  /** Human name in messages: "Odoo", "HubSpot". */
  label: string;
  /** Judge a failed attempt; `idempotent` says whether the call may be repeated at all. */
  classify(error: unknown, idempotent: boolean): Verdict;
}

export type { ResilienceEvent, ResilienceObserver } from './resilience-events.ts';

/** What the connector knows about one logical call. */
export interface CallSpec {
  operation: string;
  model?: string;
  requestId?: string;
  /** May the call be sent again after a failure HubSpot/Odoo may have processed? */
  idempotent: boolean;
  /** The caller's signal: aborting it stops waiting at once. */
  signal?: AbortSignal;
  /** The request's deadline: attempts and waits end before it, and its signal aborts the call. */
  deadline?: Deadline;
  /** Details every error this module builds for the call carries (system is added). */
  details: ErrorDetails;
  /** The error an attempt that ran out of time counts as (classified like any other). */
  timeoutError(): unknown;
  /** The error the caller sees once attempts are over (e.g. with the attempt count). */
  finalError?(error: unknown, attempts: number): unknown;
  /**
   * Wait for the backend's rate limit before each attempt (HubSpot's pacer). Runs before
   * the attempt takes a concurrency slot or starts its timeout; `latestStart` is the
   * last instant an attempt is worth starting before the deadline — a pacer whose next
   * slot is later rejects at once (with its own error, which is not retried).
   */
  pace?(opts: { latestStart?: number; signal: AbortSignal }): Promise<void>;
}

/** Handed to each attempt. */
export interface Attempt {
  /** 1 for the first attempt. */
  readonly number: number;
  /** Aborted when the attempt times out or the caller gives up. */
  readonly signal: AbortSignal;
  /** The HTTP status the backend answered, for the attempt event (set by the connector). */
  httpStatus?: number;
}

/** Errors this module makes itself: never retried, never counted by the breaker. */
const OWN_ERRORS = new WeakSet<object>();
const OWN_VERDICT: Verdict = { retry: false, unhealthy: false, reason: 'refused' };

export class ResiliencePolicy {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly timeout: TimeoutPolicy;
  private readonly verdicts = new WeakMap<object, Verdict>();

  constructor(
    private readonly settings: ResilienceSettings,
    private readonly rules: BackendRules,
    private readonly observer?: ResilienceObserver,
  ) {
    this.bulkhead = bulkhead(settings.maxConcurrency, settings.maxQueue);
    // Aggressive: an attempt whose transport ignores the signal still ends on time.
    // The attempt's signal is aborted only by the deadline or the caller (not on return), so a
    // failure seen on an aborted signal is known to be the deadline's doing.
    this.timeout = timeout(settings.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
    this.breaker = circuitBreaker(
      handleWhen((e) => this.verdict(e).unhealthy),
      { halfOpenAfter: settings.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(settings.breakerFailures) },
    );
    this.breaker.onBreak(() => this.emit({ type: 'breaker', system: rules.system, state: 'open' }));
    this.breaker.onHalfOpen(() => this.emit({ type: 'breaker', system: rules.system, state: 'half_open' }));
    this.breaker.onReset(() => this.emit({ type: 'breaker', system: rules.system, state: 'closed' }));
  }

  /** Run one logical call through breaker, retry, bulkhead and timeout. */
  execute<T>(call: CallSpec, attempt: (a: Attempt) => Promise<T>): Promise<T> {
    const signals = [call.signal, call.deadline?.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    if (signal !== call.signal) call = { ...call, signal };
    // One span per logical call, named by system and method; its attributes are names, never
    // values. Only while a processor would receive it: otherwise the call runs in the request's
    // context, its log lines and `traceparent` carry the request's trace id all the same.
    if (!spansRecorded()) return this.settle(this.run(call, attempt), signal, call);
    const span = tracer().startSpan(`${this.rules.system} ${call.model ? `${call.model}.` : ''}${call.operation}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'backend.system': this.rules.system, 'backend.operation': call.operation, ...(call.model ? { 'backend.model': call.model } : {}) },
    });
    const run = context.with(trace.setSpan(context.active(), span), () => this.run(call, attempt));
    run.then(
      () => span.end(),
      (e: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: isAppError(e) ? e.code : 'error' });
        if (isAppError(e)) span.setAttribute('error.code', e.code);
        span.end();
      },
    );
    return this.settle(run, signal, call);
  }

  /**
   * The caller stops waiting at once when `signal` aborts (queued, backing off or in
   * flight); the call itself winds down on the aborted signal and its outcome is dropped.
   */
  private settle<T>(run: Promise<T>, signal: AbortSignal | undefined, call: CallSpec): Promise<T> {
    if (!signal) return run;
    run.catch(() => undefined);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.aborted(call));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  // ------------------------------------------------------------------ internals

  private async run<T>(call: CallSpec, attempt: (a: Attempt) => Promise<T>): Promise<T> {
    const started = performance.now();
    let attempts = 0;
    let lastAttemptMs = 0;
    const deadline = call.deadline;
    // The wait before the next attempt is chosen when the failure is judged, so a wait
    // that would run past the deadline is never started: the call fails instead.
    const waits = this.backoff();
    let plannedWait = 0;
    let stoppedByDeadline: { waitMs?: number; leftMs: number } | undefined;
    const retryPolicy = retry(
      handleWhen((e) => {
        if (!this.mayRetry(e) || attempts > this.settings.maxRetries) return false;
        const waitMs = waits.next(this.verdict(e).retryAfterMs);
        const leftMs = deadline ? deadline.at - Date.now() : Infinity;
        if (waitMs + MIN_ATTEMPT_MS > leftMs) {
          stoppedByDeadline = { waitMs, leftMs: Math.max(0, Math.round(leftMs)) };
          return false;
        }
        plannedWait = waitMs;
        return true;
      }),
      { maxAttempts: this.settings.maxRetries, backoff: { next: function planned() { return { duration: plannedWait, next: planned }; } } },
    );
    retryPolicy.onRetry((r) => {
      const v = 'error' in r ? this.verdict(r.error) : OWN_VERDICT;
      this.emit({ ...this.base(call), type: 'retry', attempt: r.attempt, attemptMs: lastAttemptMs, delayMs: r.delay, reason: v.reason, ...(v.httpStatus !== undefined ? { httpStatus: v.httpStatus } : {}) });
    });

    const oneAttempt = async (signal: AbortSignal): Promise<T> => {
      if (call.pace) {
        try {
          await call.pace({ ...(deadline ? { latestStart: deadline.at - MIN_ATTEMPT_MS } : {}), signal });
        } catch (e) {
          if (signal.aborted) throw this.aborted(call);
          throw e;
        }
      }
      attempts += 1;
      const number = attempts;
      let current: Attempt | undefined;
      let cutAtDeadline = false;
      const t0 = performance.now();
      try {
        if (signal.aborted) throw this.aborted(call);
        const value = await this.bulkhead.execute(async ({ signal: slotSignal }) => {
          // Time spent queued for a slot counts: the attempt gets what is left of the deadline.
          const leftMs = deadline ? deadline.at - Date.now() : Infinity;
          if (leftMs < MIN_ATTEMPT_MS) throw this.deadlineReached(call, number - 1, Math.max(0, Math.round(leftMs)));
          cutAtDeadline = leftMs < this.settings.timeoutMs;
          const limit = cutAtDeadline ? timeout(leftMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }) : this.timeout;
          backendSlot(this.rules.system, 1);
          try {
            return await limit.execute(({ signal: attemptSignal }) => attempt((current = { number, signal: attemptSignal })), slotSignal);
          } finally {
            backendSlot(this.rules.system, -1);
          }
        }, signal);
        const httpStatus = current?.httpStatus;
        lastAttemptMs = performance.now() - t0;
        this.emit({ ...this.base(call), type: 'attempt', attempt: number, ok: true, durationMs: lastAttemptMs, ...(httpStatus !== undefined ? { httpStatus } : {}) });
        return value;
      } catch (raw) {
        const timedOut = current !== undefined && current.signal.aborted && !signal.aborted;
        // Whatever the backend's rules say about retrying it, this attempt ended because the request's time did.
        if (timedOut && cutAtDeadline) stoppedByDeadline = { leftMs: 0 };
        const e = this.translate(timedOut ? call.timeoutError() : raw, call, signal);
        const v = this.verdict(e);
        lastAttemptMs = performance.now() - t0;
        this.emit({ ...this.base(call), type: 'attempt', attempt: number, ok: false, durationMs: lastAttemptMs, reason: v.reason, ...(v.httpStatus !== undefined ? { httpStatus: v.httpStatus } : {}) });
        throw e;
      }
    };

    let outcome: { value: T } | { error: unknown };
    try {
      outcome = await this.breaker.execute(async ({ signal }) => {
        try {
          return { value: await retryPolicy.execute(({ signal: s }) => oneAttempt(s), signal) };
        } catch (e) {
          // The backend answered (4xx, validation, 429…): a healthy backend, so the breaker counts a success.
          if (!OWN_ERRORS.has(e as object) && !this.verdict(e).unhealthy) return { error: e };
          throw e;
        }
      }, call.signal);
    } catch (e) {
      outcome = { error: e instanceof BrokenCircuitError ? this.circuitOpen(call) : e };
    }

    const durationMs = performance.now() - started;
    if ('value' in outcome) {
      this.emit({ ...this.base(call), type: 'call', ok: true, attempts, durationMs });
      return outcome.value;
    }
    let final = OWN_ERRORS.has(outcome.error as object) || !call.finalError ? outcome.error : call.finalError(outcome.error, attempts);
    if (stoppedByDeadline && isAppError(final) && !OWN_ERRORS.has(final)) final = this.stoppedAtDeadline(final, attempts, stoppedByDeadline);
    const httpStatus = isAppError(final) && typeof final.details.httpStatus === 'number' ? final.details.httpStatus : undefined;
    this.emit({ ...this.base(call), type: 'call', ok: false, attempts, durationMs, ...(isAppError(final) ? { code: final.code } : {}), ...(httpStatus !== undefined ? { httpStatus } : {}) });
    throw final;
  }

  private mayRetry(e: unknown): boolean {
    if (OWN_ERRORS.has(e as object)) return false;
    // While the breaker probes (or another call opened it), one attempt is all a call gets.
    if (this.breaker.state !== CircuitState.Closed) return false;
    const v = this.verdict(e);
    if (!v.retry) return false;
    return v.retryAfterMs === undefined || v.retryAfterMs <= this.settings.maxRetryAfterMs;
  }

  /** One call's waits: exponential backoff with half jitter (cockatiel's), never shorter than what the backend asked for. */
  private backoff(): { next(retryAfterMs: number | undefined): number } {
    const exp = new ExponentialBackoff({
      initialDelay: this.settings.retryBaseMs,
      maxDelay: this.settings.retryBaseMs * BACKOFF_CAP_FACTOR,
      generator: halfJitterGenerator,
    });
    let current: IBackoff<unknown> | undefined;
    return {
      next: (retryAfterMs) => {
        current = current ? current.next(undefined) : exp.next();
        return Math.max(current.duration, retryAfterMs ?? 0);
      },
    };
  }

  /** The verdict noted when the attempt failed (see translate); classified once, so retry, backoff, events and breaker agree. */
  private verdict(e: unknown): Verdict {
    if (e !== null && typeof e === 'object') {
      if (OWN_ERRORS.has(e)) return OWN_VERDICT;
      const v = this.verdicts.get(e);
      if (v) return v;
    }
    return this.rules.classify(e, false);
  }

  /** Cockatiel's own errors become the backend's or ours; then the backend judges the failure. */
  private translate(raw: unknown, call: CallSpec, signal: AbortSignal): unknown {
    let e = raw;
    // instanceof, not cockatiel's is*Error helpers: in 3.2.1 isTaskCancelledError tests for the bulkhead's marker.
    if (raw instanceof TaskCancelledError) e = signal.aborted || call.signal?.aborted ? this.aborted(call) : call.timeoutError();
    else if (raw instanceof BulkheadRejectedError) e = this.queueFull(call);
    if (e !== null && typeof e === 'object' && !OWN_ERRORS.has(e) && !this.verdicts.has(e)) this.verdicts.set(e, this.rules.classify(e, call.idempotent));
    return e;
  }

  private own<E extends object>(e: E): E {
    OWN_ERRORS.add(e);
    return e;
  }

  private circuitOpen(call: CallSpec) {
    const s = this.settings;
    return this.own(
      appError(
        'BACKEND_UNAVAILABLE',
        `${this.rules.label} is unavailable: its last ${s.breakerFailures} calls failed, so calls are refused without reaching it for up to ${s.breakerHalfOpenMs} ms (circuit breaker open)`,
        { ...call.details, system: this.rules.system, circuit: 'open' },
      ),
    );
  }

  private queueFull(call: CallSpec) {
    this.emit({ ...this.base(call), type: 'bulkhead_rejected', maxConcurrency: this.settings.maxConcurrency, maxQueue: this.settings.maxQueue });
    return this.own(
      appError('BACKEND_UNAVAILABLE', `${this.rules.label} is unavailable: ${this.settings.maxQueue} calls are already waiting for one of ${this.settings.maxConcurrency} connections`, {
        ...call.details,
        system: this.rules.system,
        queueFull: true,
      }),
    );
  }

  private aborted(call: CallSpec) {
    if (reachedDeadline(call.deadline?.signal) || (call.deadline && call.deadline.at <= Date.now())) return this.deadlineReached(call, undefined, 0);
    return this.own(appError('BACKEND_UNAVAILABLE', `${this.rules.label} is unavailable: request aborted by the caller`, { ...call.details, system: this.rules.system, aborted: true }));
  }

  /** No time left for (another) attempt: the call ends here, before reaching the backend again. */
  private deadlineReached(call: CallSpec, attempts: number | undefined, leftMs: number) {
    const after = attempts ? ` after ${attempts} attempt${attempts > 1 ? 's' : ''}` : '';
    return this.own(
      appError('BACKEND_UNAVAILABLE', `${this.rules.label} is unavailable: the request's deadline was reached${after} (${leftMs} ms left)`, {
        ...call.details,
        system: this.rules.system,
        deadlineReached: true,
      }),
    );
  }

  /** The last failure, as the caller gets it when the deadline leaves no time to wait and try again. */
  private stoppedAtDeadline(final: AppError, attempts: number, stop: { waitMs?: number; leftMs: number }): AppError {
    const wait = stop.waitMs !== undefined ? `the next attempt would start in ${Math.round(stop.waitMs)} ms, ` : '';
    const e = appError(
      final.key,
      `${final.message}; the request's deadline was reached after ${attempts} attempt${attempts > 1 ? 's' : ''} (${wait}${stop.leftMs} ms left)`,
      { ...final.details, system: this.rules.system, deadlineReached: true },
      final,
    );
    const v = this.verdicts.get(final);
    if (v) this.verdicts.set(e, v);
    return e;
  }

  private base(call: CallSpec): EventBase {
    return {
      system: this.rules.system,
      operation: call.operation,
      ...(call.model !== undefined ? { model: call.model } : {}),
      ...(call.requestId !== undefined ? { requestId: call.requestId } : {}),
    };
  }

  private emit(event: ResilienceEvent): void {
    try {
      recordBackendEvent(event);
    } catch {
      // metrics and logs must not break a call
    }
    if (!this.observer) return;
    try {
      this.observer(event);
    } catch {
      // an observer must not break a call
    }
  }
}

export function createResiliencePolicy(settings: ResilienceSettings, rules: BackendRules, observer?: ResilienceObserver): ResiliencePolicy {
  return new ResiliencePolicy(settings, rules, observer);
}
