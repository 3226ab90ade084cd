// Rate-limit counters in the embedded store: one fixed window per key (the gateway
// uses the caller's subject), shared by every process on the host that opens the
// same file. The gateway depends only on `RateLimitCounter`, so a shared store
// (Redis, Postgres) can replace this one when gateways run on several hosts.
import type { Store } from './database.ts';

export interface RateLimitHit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the current window ends (epoch ms). */
  resetAtMs: number;
}

export interface RateLimitCounter {
  /** Counts one request for `key` in the window of `windowMs` that contains `nowMs`. */
  hit(key: string, windowMs: number, nowMs?: number): RateLimitHit;
}

export class SqliteRateLimitCounter implements RateLimitCounter {
  private readonly upsert;

  constructor(store: Store) {
    // One statement: the increment and the window roll-over are atomic across processes.
    this.upsert = store.db.prepare<[string, number], { count: number; window_start: number }>(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
         window_start = excluded.window_start
       RETURNING count, window_start`,
    );
  }

  hit(key: string, windowMs: number, nowMs = Date.now()): RateLimitHit {
    const windowStart = Math.floor(nowMs / windowMs) * windowMs;
    const row = this.upsert.get(key, windowStart)!;
    return { count: row.count, resetAtMs: row.window_start + windowMs };
  }
}
