// Rate-limit counters in the shared Redis (issue 14): the same fixed window per key as
// the embedded store's counter (store/rate-limits.ts), counted once across every
// gateway replica. Redis fits this better than a database: one round trip per request,
// counters that expire by themselves, nothing to vacuum.
import { appError } from '../policy/errors.ts';
import type { RateLimitCounter, RateLimitHit } from './rate-limits.ts';
import { closeRedisClient, connectInBackground, createRedisClient, errorCode, loadRedisConfig, withTimeout, type RedisClient, type RedisConfig } from '../core/redis.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import type { Env } from '../core/env.ts';

export class RedisRateLimitCounter implements RateLimitCounter {
  constructor(
    private readonly client: RedisClient,
    private readonly opts: Pick<RedisConfig, 'keyPrefix' | 'commandTimeoutMs'>,
  ) {}

  /**
   * One key per (caller key, window): INCR and PEXPIRE in one MULTI, so every replica's
   * hit lands in the same count and a window's counter disappears after it ends (plus
   * one window of grace, so a clock ahead of Redis's cannot drop a live count). A
   * failing Redis rejects with STORE_UNAVAILABLE: whether to let the request through is
   * the caller's policy, not the counter's.
   */
  async hit(key: string, windowMs: number, nowMs = Date.now()): Promise<RateLimitHit> {
    if (!Number.isInteger(windowMs) || windowMs <= 0) throw new RangeError('windowMs must be a positive integer');
    const windowStart = Math.floor(nowMs / windowMs) * windowMs;
    const resetAtMs = windowStart + windowMs;
    const redisKey = `${this.opts.keyPrefix}ratelimit:${windowMs}:${windowStart}:${key}`;
    let replies: unknown[];
    try {
      replies = await withTimeout(
        this.client.multi().incr(redisKey).pExpire(redisKey, resetAtMs - nowMs + windowMs).exec(),
        this.opts.commandTimeoutMs,
        'rate-limit hit',
      );
    } catch (e) {
      throw appError('STORE_UNAVAILABLE', `The shared rate-limit store could not count the request (${errorCode(e)})`);
    }
    return { count: Number(replies[0]), resetAtMs };
  }
}

/**
 * The counter the gateway should use with REDIS_URL set (connected in the background,
 * released by `close`), or null: then the embedded store's counter, as on one machine.
 */
export function rateLimitCounterFromEnv(env: Env = process.env, logger: Logger = createLogger('gateway')): { counter: RedisRateLimitCounter; close(): Promise<void> } | null {
  const config = loadRedisConfig(env);
  if (!config) return null;
  const client = createRedisClient(config, logger, 'rate-limits');
  connectInBackground(client);
  return { counter: new RedisRateLimitCounter(client, config), close: () => closeRedisClient(client) };
}

