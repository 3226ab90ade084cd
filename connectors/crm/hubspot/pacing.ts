// HubSpot limits every private app (token) to a burst per rolling window (100–250
// requests per 10 s by subscription) and CRM search to a few requests per second per
// token; past either it answers 429. A BI page, a catalog push or the sync worker can
// easily send more than that, so the connector paces itself instead of collecting
// 429s: one pacer per portal and token for the whole process (every HubSpotClient
// built with the same base URL and token shares it), which
//   - keeps a log of its own send times per window; a call waits for room before it
//     queues for a connection (holding none while the window is full) and takes its
//     slot as it leaves, so time spent in the connection queue is not miscounted;
//   - learns the real window from the X-HubSpot-RateLimit-Max / -Remaining /
//     -Interval-Milliseconds headers of every answer that carries them, and when the
//     portal counts more requests than this process sent and saw answered (another
//     process with the same token), takes the difference as spent;
//   - paces search at its own per-second limit (search answers carry no headers), and
//     counts searches against the burst too, in case the portal does;
//   - after a 429, holds every call for what HubSpot asked (Retry-After) or a tenth of
//     the window, so concurrent calls do not run into the same wall.
// @hubspot/api-client's own limiter (bottleneck, `limiterOptions`) is not used: it is
// process-global per decorator list, knows nothing of the headers or another
// process's usage, and cannot give up at a request's deadline.
import { createHash } from 'node:crypto';

/** A slot later than the caller can use: the call would start after its deadline. */
export class PaceTooLongError extends Error {
  constructor(readonly waitMs: number, readonly window: 'burst' | 'search' | 'hold') {
    super(`HubSpot rate limit: the next free slot is ${Math.round(waitMs)} ms away`);
    this.name = 'PaceTooLongError';
  }
}

/**
 * Send times are local and HubSpot counts arrivals, which come a little later: a
 * request is kept in the window this much longer than the window itself.
 */
export const WINDOW_SLACK_MS = 250;
/** After a 429 of the ten-second window without Retry-After: hold this share of the window. */
const HOLD_SHARE = 0.1;
const RECHECK_MS = 250;

export interface PacingLimits {
  /** Requests per interval until the portal's headers say otherwise. */
  burst: number;
  intervalMs: number;
  /** Search requests per second. */
  searchPerSecond: number;
}

/** A sliding log of send times, oldest first. */
class SlidingLog {
  readonly times: number[] = [];
  constructor(public capacity: number, public windowMs: number) {}

  private prune(now: number): void {
    const horizon = now - this.windowMs - WINDOW_SLACK_MS;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= horizon) drop += 1;
    if (drop > 0) this.times.splice(0, drop);
  }

  /** The earliest instant ≥ `from` at which one more request fits. */
  nextSlot(from: number): number {
    this.prune(from);
    let at = from;
    const cap = Math.max(1, this.capacity);
    if (this.times.length >= cap) at = Math.max(at, this.times[this.times.length - cap]! + this.windowMs + WINDOW_SLACK_MS);
    return at;
  }

  take(at: number): void {
    this.times.push(at);
  }

  /** Requests counted in the window that ends at `at`. */
  countAt(at: number): number {
    const from = at - this.windowMs;
    return this.times.filter((t) => t > from && t <= at).length;
  }

  /** Count `n` requests someone else made at `at` (kept in time order). */
  addAt(at: number, n: number): void {
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > at) i -= 1;
    this.times.splice(i, 0, ...Array.from({ length: n }, () => at));
  }
}

/** What the pacing did, process-wide (for metrics and the bench). */
export interface PacingStats {
  /** Calls that waited for a slot, and how long in total. */
  paced: number;
  pacedMs: number;
  /** Calls refused before sending because the slot came after their deadline. */
  refusedAtDeadline: number;
  /** 429 answers received, by HubSpot policy (TEN_SECONDLY_ROLLING, SECONDLY, DAILY, unknown). */
  rateLimited: Record<string, number>;
  /** 429 answers by operation (`<objectType>.<operation>`). */
  rateLimitedByOperation: Record<string, number>;
  /** Calls that still ended with a 429 (retries spent, the deadline, or the DAILY policy). */
  unhandled429: number;
}

function emptyStats(): PacingStats {
  return { paced: 0, pacedMs: 0, refusedAtDeadline: 0, rateLimited: {}, rateLimitedByOperation: {}, unhandled429: 0 };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class Pacer {
  private readonly burst: SlidingLog;
  private readonly search: SlidingLog;
  private holdUntil = 0;
  /** Requests sent and not yet answered: the portal may not have counted them when it answers another. */
  private inFlight = 0;

  constructor(limits: PacingLimits) {
    this.burst = new SlidingLog(limits.burst, limits.intervalMs);
    this.search = new SlidingLog(limits.searchPerSecond, 1000);
  }

  /** The earliest instant ≥ now at which this call fits every window it counts in. */
  private nextSlot(now: number, search: boolean): number {
    let at = Math.max(now, this.holdUntil, this.burst.nextSlot(now));
    if (search) at = Math.max(at, this.search.nextSlot(at), this.burst.nextSlot(at));
    return at;
  }

  /**
   * Wait for room in the windows and take it (`take: false`: only wait — a request
   * that must still queue for a connection takes its slot as it leaves). Waiters re-check when they wake rather
   * than booking a future slot, so a window learned larger from the headers (the
   * first answer tells the portal's real limit) serves them at once. Rejects with
   * PaceTooLongError, taking nothing, as soon as the next slot lies after
   * `latestStart` (epoch ms), and with the signal's reason when it aborts.
   */
  async acquire(opts: { search: boolean; latestStart?: number; signal?: AbortSignal; take?: boolean }): Promise<void> {
    const started = Date.now();
    for (;;) {
      const now = Date.now();
      const at = this.nextSlot(now, opts.search);
      if (at <= now) {
        if (opts.take !== false) {
          this.burst.take(now);
          if (opts.search) this.search.take(now);
          this.inFlight += 1;
        }
        if (now > started) {
          stats.paced += 1;
          stats.pacedMs += now - started;
        }
        return;
      }
      if (opts.latestStart !== undefined && at > opts.latestStart) {
        stats.refusedAtDeadline += 1;
        throw new PaceTooLongError(at - now, at === this.holdUntil ? 'hold' : opts.search && this.search.nextSlot(now) >= at ? 'search' : 'burst');
      }
      // Re-check at least every RECHECK_MS: an answer may meanwhile teach a larger window.
      await sleep(Math.min(at - now, RECHECK_MS), opts.signal);
    }
  }

  /**
   * A request taken with acquire() ended: with the answer's X-HubSpot-RateLimit-*
   * headers (absent on search answers, and not passed for a 429 or a failure).
   */
  settle(headers: Record<string, string> | undefined, at = Date.now()): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (!headers) return;
    const num = (name: string) => {
      const v = Number(headers[name] ?? headers[name.toLowerCase()]);
      return Number.isFinite(v) && v >= 0 ? v : undefined;
    };
    const max = num('x-hubspot-ratelimit-max');
    const remaining = num('x-hubspot-ratelimit-remaining');
    const interval = num('x-hubspot-ratelimit-interval-milliseconds');
    if (max !== undefined && max > 0) this.burst.capacity = max;
    if (interval !== undefined && interval > 0) this.burst.windowMs = interval;
    if (max !== undefined && remaining !== undefined) {
      // The portal counted more than we sent: another holder of the token spent the rest.
      // Our requests still in flight may not be in its count, so they are not subtracted
      // (erring towards waiting).
      const unseen = max - remaining - (this.burst.countAt(at) - this.inFlight);
      if (unseen > 0) this.burst.addAt(at, unseen);
    }
  }

  /** A 429: hold new calls for what HubSpot asked, or a share of the exhausted window. */
  rateLimited(policy: string | undefined, retryAfterMs: number | undefined): void {
    if (policy === 'DAILY') return;
    const hold = retryAfterMs ?? (policy === 'SECONDLY' ? 1000 : Math.round(this.burst.windowMs * HOLD_SHARE));
    this.holdUntil = Math.max(this.holdUntil, Date.now() + hold);
  }
}

const pacers = new Map<string, Pacer>();
let stats = emptyStats();

/** The process-wide HubSpot pacing: one pacer per portal and token, and the counters. */
export const hubspotPacing = {
  /** The pacer shared by every client of this base URL and token (the token is only kept hashed). */
  for(baseUrl: string, accessToken: string, limits: PacingLimits): Pacer {
    const key = `${baseUrl}\u0000${createHash('sha256').update(accessToken).digest('hex').slice(0, 24)}`;
    let pacer = pacers.get(key);
    if (!pacer) pacers.set(key, (pacer = new Pacer(limits)));
    return pacer;
  },
  /** Count a 429 answer. */
  noteRateLimited(policy: string | undefined, operation: string): void {
    const p = policy ?? 'unknown';
    stats.rateLimited[p] = (stats.rateLimited[p] ?? 0) + 1;
    stats.rateLimitedByOperation[operation] = (stats.rateLimitedByOperation[operation] ?? 0) + 1;
  },
  /** Count a call that ended with a 429 its caller has to handle. */
  noteUnhandled429(): void {
    stats.unhandled429 += 1;
  },
  /** A copy of the counters since start (or the last reset). */
  stats(): PacingStats {
    return structuredClone(stats);
  },
  /** Forget pacers and counters (tests, the bench between runs); clients built before keep their pacer. */
  reset(): void {
    pacers.clear();
    stats = emptyStats();
  },
};
