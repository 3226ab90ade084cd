// Rate-limit counters in the store: one fixed window per key (the gateway uses the
// caller's subject), shared by every process that opens the same SQLite file or
// the same Postgres schema. The gateway depends only on `RateLimitCounter`, so
// another shared counter (Redis) can replace this one.
import type { Store } from './database.ts';

export interface RateLimitHit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the current window ends (epoch ms). */
  resetAtMs: number;
}

export interface RateLimitCounter {
  /** Counts one request for `key` in the window of `windowMs` that contains `nowMs`. */
  hit(key: string, windowMs: number, nowMs?: number): Promise<RateLimitHit>;
}

/** The counter in the store (SQLite file or Postgres, store/sql.ts), written once for both. */
export class StoreRateLimitCounter implements RateLimitCounter {
  constructor(private readonly store: Store) {}

  async hit(key: string, windowMs: number, nowMs = Date.now()): Promise<RateLimitHit> {
    const windowStart = Math.floor(nowMs / windowMs) * windowMs;
    // One statement: the increment and the window roll-over are atomic across processes on both engines.
    const row = (await this.store.sql.get<{ count: number; window_start: number }>(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
         window_start = excluded.window_start
       RETURNING count, window_start`,
      [key, windowStart],
    ))!;
    return { count: row.count, resetAtMs: row.window_start + windowMs };
  }
}
