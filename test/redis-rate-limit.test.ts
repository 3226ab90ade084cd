// A rate limit counted in the shared Redis holds across gateway replicas: two counters
// (two processes' connections) hit concurrently allow exactly N in a window, a new
// window starts again at 1, keys are counted apart, counters expire by themselves, and
// an unreachable Redis is a STORE_UNAVAILABLE refusal, not a hang or a crash.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { closeRedisClient, connectInBackground, createRedisClient, type RedisClient } from '../core/redis.ts';
import { createLogger } from '../core/logger.ts';
import { rateLimitCounterFromEnv, RedisRateLimitCounter } from '../store/redis-rate-limits.ts';
import { closedPort, inspector, testRedisConfig } from './support/redis.ts';

describe('rate-limit counters in Redis', () => {
  const config = testRedisConfig('ratelimit');
  const logger = createLogger('rate-limit-test', 'silent');
  let clients: RedisClient[];
  let replicas: RedisRateLimitCounter[];

  before(async () => {
    clients = [createRedisClient(config, logger, 'gateway-1'), createRedisClient(config, logger, 'gateway-2')];
    for (const c of clients) connectInBackground(c);
    await Promise.all(clients.map((c) => (c.isReady ? undefined : once(c, 'ready'))));
    replicas = clients.map((c) => new RedisRateLimitCounter(c, config));
  });
  after(async () => {
    const redis = await inspector();
    await redis.cleanUp(config.keyPrefix);
    await Promise.all(clients.map(closeRedisClient));
  });

  test('N per window holds across two replicas hit concurrently: exactly N allowed', async () => {
    const limit = 25;
    const now = Date.UTC(2026, 0, 5, 10, 0, 30);
    const hits = await Promise.all(Array.from({ length: 60 }, (_, i) => replicas[i % 2]!.hit('caller:alice', 60_000, now)));
    const counts = hits.map((h) => h.count).sort((a, b) => a - b);
    assert.deepEqual(counts, Array.from({ length: 60 }, (_, i) => i + 1), 'every hit got its own count: none lost, none doubled');
    assert.equal(hits.filter((h) => h.count <= limit).length, limit);
    assert.ok(hits.every((h) => h.resetAtMs === Date.UTC(2026, 0, 5, 10, 1, 0)));
  });

  test('the next window starts at 1; other keys and window lengths are counted apart', async () => {
    const now = Date.UTC(2026, 0, 5, 10, 0, 30);
    assert.equal((await replicas[0]!.hit('caller:bob', 60_000, now)).count, 1);
    assert.equal((await replicas[1]!.hit('caller:bob', 60_000, now + 1_000)).count, 2);
    assert.equal((await replicas[0]!.hit('caller:bob', 60_000, now + 30_000)).count, 1, 'a new minute');
    assert.equal((await replicas[1]!.hit('caller:bob', 1_000, now)).count, 1, 'another window length is another counter');
    assert.equal((await replicas[1]!.hit('caller:carol', 60_000, now)).count, 1);
  });

  test('counters expire by themselves (about a window after theirs ends)', async () => {
    const now = Date.now();
    await replicas[0]!.hit('caller:dave', 10_000, now);
    const redis = await inspector();
    try {
      const [key] = await redis.keys(`${config.keyPrefix}ratelimit:10000:*:caller:dave`);
      assert.ok(key);
      const ttl = await redis.client.pTTL(key);
      assert.ok(ttl > 0 && ttl <= 20_000, `ttl ${ttl}`);
    } finally {
      await redis.client.close();
    }
  });

  test('Redis unreachable: the hit is refused with STORE_UNAVAILABLE at once, without the password', async () => {
    const port = await closedPort();
    const down = rateLimitCounterFromEnv({ REDIS_URL: `redis://gw:s3cret-pw@127.0.0.1:${port}`, REDIS_KEY_PREFIX: config.keyPrefix }, logger);
    assert.ok(down);
    try {
      await assert.rejects(down.counter.hit('caller:erin', 60_000), (e: any) => {
        assert.equal(e.code, 'STORE_UNAVAILABLE');
        assert.doesNotMatch(String(e.message), /s3cret-pw/);
        return true;
      });
    } finally {
      await down.close();
    }
  });

  test('without REDIS_URL there is no Redis counter (the embedded store counts, as on one machine)', () => {
    assert.equal(rateLimitCounterFromEnv({}, logger), null);
  });

  test('a bad REDIS_URL stops start-up with CONFIG_INVALID naming the variable, not its value', () => {
    assert.throws(() => rateLimitCounterFromEnv({ REDIS_URL: 'http://user:pw@example.com' }, logger), (e: any) => {
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.details.field, 'REDIS_URL');
      assert.doesNotMatch(e.message, /pw@example/);
      return true;
    });
  });
});
