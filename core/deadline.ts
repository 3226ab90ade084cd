// One deadline per request (issue 9, "budgets that line up"). The gateway gives
// every request a budget below `hubspot.fetch`'s 15 s; each subgraph call carries
// what is left of it in a header, the subgraph turns it into an AbortSignal in the
// request context, and every backend call runs within it: the resilience policy
// never starts an attempt, a backoff or a Retry-After wait that cannot end in time,
// and when the gateway gives up (its deadline, or its caller hung up) the
// subgraph's work is cancelled, not left running behind the caller's back.
//
// The header carries the time LEFT, in milliseconds, not an instant: like gRPC's
// `grpc-timeout`, a relative budget needs no clock agreement between hosts; the
// time in transit only makes the receiver's deadline later by that much, which
// the margin below covers.
import type http from 'node:http';
import { appError } from '../policy/errors.ts';

export const DEADLINE_HEADER = 'x-request-timeout-ms';

/**
 * The longest budget any component accepts: `hubspot.fetch` (the CRM card's
 * transport, §7) gives up at 15 s, so work beyond that serves nobody.
 */
export const MAX_REQUEST_BUDGET_MS = 15_000;

/**
 * What the gateway keeps of its own budget when it forwards it: the subgraph's
 * deadline passes this much before the gateway's, so the subgraph's precise error
 * (which backend, deadline reached) arrives before the gateway would have to give
 * up with a bare SUBGRAPH_UNAVAILABLE.
 */
export const SUBGRAPH_ANSWER_MARGIN_MS = 500;

/** What a backend call needs to know about its request's deadline. */
export interface Deadline {
  /** Epoch milliseconds (this process's clock) after which nobody waits for the answer. */
  readonly at: number;
  /** Aborted when the deadline passes or the request is abandoned (its connection closed). */
  readonly signal: AbortSignal;
}

export function remainingMs(deadline: Pick<Deadline, 'at'>, now = Date.now()): number {
  return deadline.at - now;
}

/** Why a request's signal was aborted: its deadline passed, or whoever waited for it went away. */
export type AbortCause = 'deadline' | 'abandoned';

/** The reason a deadline's signal carries (`signal.reason`). */
export class DeadlineAbort extends Error {
  constructor(readonly kind: AbortCause) {
    super(kind === 'deadline' ? 'the request deadline was reached' : 'the request was abandoned by its caller');
    this.name = 'DeadlineAbort';
  }
}

/** True when the signal was aborted because its deadline passed (not because the caller left). */
export function reachedDeadline(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason instanceof DeadlineAbort && signal.reason.kind === 'deadline';
}

/** A request's deadline: a timer and, optionally, the connection it was received on. */
export class RequestDeadline implements Deadline {
  readonly at: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private detach: (() => void) | undefined;

  constructor(budgetMs: number, now = Date.now()) {
    this.at = now + budgetMs;
    this.timer = setTimeout(() => this.abort('deadline'), Math.max(0, budgetMs));
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(now = Date.now()): number {
    return remainingMs(this, now);
  }

  /**
   * Abandon the request when the connection it came on closes before it is
   * answered (the gateway gave up, or the client hung up). A keep-alive socket
   * outlives the request, so the listener is removed by dispose().
   */
  watch(req: http.IncomingMessage): this {
    const socket = req.socket;
    const onClose = () => this.abort('abandoned');
    socket.once('close', onClose);
    this.detach = () => socket.off('close', onClose);
    return this;
  }

  abort(cause: AbortCause): void {
    this.dispose();
    if (!this.controller.signal.aborted) this.controller.abort(new DeadlineAbort(cause));
  }

  /** The request is answered: nothing more to cancel. */
  dispose(): void {
    clearTimeout(this.timer);
    this.detach?.();
    this.detach = undefined;
  }
}

/**
 * The budget a subgraph grants a request from the gateway's header. Absent: the
 * subgraph's own maximum (a request from the gateway always carries one; other
 * callers are refused earlier, without an identity). Anything but a whole number
 * of milliseconds in 1..maxMs is refused: an expired deadline leaves nothing to do,
 * and a longer one than configured is not what the gateway sends.
 */
export function budgetFromHeader(value: string | string[] | undefined, maxMs: number): number {
  if (value === undefined) return maxMs;
  const text = Array.isArray(value) ? value.join(',') : value.trim();
  const ms = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(ms) || ms < 1 || ms > maxMs) {
    throw appError('BAD_REQUEST', `${DEADLINE_HEADER} must be a whole number of milliseconds from 1 to ${maxMs}; got ${JSON.stringify(text.slice(0, 40))}`, { httpStatus: 400, deadlineReached: ms === 0 });
  }
  return ms;
}
