// A read of master data that is still loading when a write invalidates the same
// records may have fetched the value from before the write. It answers its own caller
// with it (the read began first), but it must not store it: otherwise the old value
// would be served until CACHE_TTL_MS although the invalidation has run. Both backings:
// the process's memory (writer and reader in one process) and Redis shared with a
// writer on its own connection (another process in production), against the machine's Redis.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cacheBackingFor, MasterDataCache, type CacheBacking } from '../core/cache.ts';
import { createCacheInvalidation, IN_PROCESS_INVALIDATION } from '../core/cache-invalidation.ts';
import { createLogger } from '../core/logger.ts';
import { inspector, testRedisConfig } from './support/redis.ts';

const SPEC = { namespace: 'read-during-write', models: ['product.product', 'res.partner'] };
const quiet = createLogger('cache-test', 'silent');

/** A loader that answers `value(key)` and runs `during` (the concurrent write) before answering. */
function loader(value: (key: string) => string, during?: () => Promise<void>) {
  const asked: string[] = [];
  return {
    asked,
    load: async (missing: string[]) => {
      asked.push(...missing);
      const answer = new Map(missing.map((k) => [k, value(k)]));
      await during?.();
      return answer;
    },
  };
}

async function ready(backing: CacheBacking): Promise<void> {
  if (backing.kind === 'redis' && !backing.client.isReady) await new Promise<void>((ok) => backing.client.once('ready', () => ok()));
}

describe('memory backing: the writer in the same process', () => {
  const cache = new MasterDataCache({ ...SPEC, ttlMs: 60_000, logger: quiet });
  const key = (id: number) => cache.key({ model: 'product.product', scope: 's', id });
  const lookup = cache.key({ model: 'product.product', scope: 's', lookup: 'SKU-1' });
  const partner = cache.key({ model: 'res.partner', scope: 's', id: 1 });

  test('what a load read while a write invalidated its record is answered but not stored; the rest of the batch is stored', async () => {
    const first = loader(() => 'old', () => IN_PROCESS_INVALIDATION.invalidate(SPEC, { model: 'product.product', ids: [1] }));
    const got = await cache.getMany([key(1), key(2), lookup, partner], first.load);
    assert.equal(got.get(key(1)), 'old', 'the caller that started first gets what it read');
    const second = loader(() => 'new');
    const again = await cache.getMany([key(1), key(2), lookup, partner], second.load);
    assert.deepEqual(second.asked, [key(1), lookup], 'record 1 and the lookups of its model were not kept; record 2 and the partner were');
    assert.equal(again.get(key(1)), 'new');
    assert.equal(again.get(key(2)), 'old');
  });

  test('a write naming no ids during a load keeps every entry of that model out, and only that model', async () => {
    await cache.clear();
    const first = loader(() => 'old', () => IN_PROCESS_INVALIDATION.invalidate(SPEC, { model: 'product.product' }));
    await cache.getMany([key(3), key(4), partner], first.load);
    const second = loader(() => 'new');
    await cache.getMany([key(3), key(4), partner], second.load);
    assert.deepEqual(second.asked, [key(3), key(4)]);
  });

  test('a write that finished before the load started does not stop the load from being stored', async () => {
    await cache.clear();
    await IN_PROCESS_INVALIDATION.invalidate(SPEC, { model: 'product.product', ids: [5] });
    await cache.getMany([key(5)], loader(() => 'new').load);
    const second = loader(() => 'newer');
    assert.equal((await cache.getMany([key(5)], second.load)).get(key(5)), 'new');
    assert.deepEqual(second.asked, [], 'a hit');
  });

  test('two overlapping loads: only the one the write overlapped is left out', async () => {
    await cache.clear();
    let releaseEarly!: () => void;
    let earlyStarted!: () => void;
    const loading = new Promise<void>((ok) => (earlyStarted = ok));
    const early = cache.getMany([key(6)], async (missing) => {
      const answer = new Map(missing.map((k) => [k, 'old']));
      earlyStarted();
      await new Promise<void>((ok) => (releaseEarly = ok));
      return answer;
    });
    await loading;
    await IN_PROCESS_INVALIDATION.invalidate(SPEC, { model: 'product.product', ids: [6] });
    // Starts after the write: reads the new value and may store it.
    await cache.getMany([key(7)], loader(() => 'new').load);
    releaseEarly();
    await early;
    const check = loader(() => 'newest');
    await cache.getMany([key(6), key(7)], check.load);
    assert.deepEqual(check.asked, [key(6)]);
  });
});

describe('Redis backing: the writer on its own connection', () => {
  const config = testRedisConfig('read-during-write');
  const reader = cacheBackingFor(config, quiet, 'reader');
  const writer = cacheBackingFor(config, quiet, 'writer');
  const cache = new MasterDataCache({ ...SPEC, ttlMs: 60_000, backing: reader.backing, logger: quiet });
  const invalidation = createCacheInvalidation(writer.backing, quiet);
  const key = (id: number) => cache.key({ model: 'product.product', scope: 's', id });
  const lookup = cache.key({ model: 'product.product', scope: 's', lookup: 'SKU-1' });
  const partner = cache.key({ model: 'res.partner', scope: 's', id: 1 });
  const stored = async (k: string) => {
    const redis = await inspector();
    try {
      return (await redis.client.exists(`${config.keyPrefix}cache:${SPEC.namespace}::${k}`)) === 1;
    } finally {
      await redis.client.close();
    }
  };

  before(async () => {
    await Promise.all([ready(reader.backing), ready(writer.backing)]);
  });
  after(async () => {
    const redis = await inspector();
    await redis.cleanUp(config.keyPrefix);
    await Promise.all([reader.close(), writer.close()]);
  });

  test('a load overlapped by another process\'s invalidation leaves no entry of the written record in Redis', async () => {
    const first = loader(() => 'old', () => invalidation.invalidate(SPEC, { model: 'product.product', ids: [1] }));
    const got = await cache.getMany([key(1), key(2), lookup, partner], first.load);
    assert.equal(got.get(key(1)), 'old');
    assert.equal(await stored(key(1)), false, 'the old value of record 1 is not in Redis');
    assert.equal(await stored(lookup), false, 'nor the lookup of its model');
    assert.equal(await stored(key(2)), true, 'record 2 was stored');
    assert.equal(await stored(partner), true, 'the partner was stored');
    const second = loader(() => 'new');
    const again = await cache.getMany([key(1), key(2), lookup, partner], second.load);
    assert.deepEqual(second.asked, [key(1), lookup]);
    assert.equal(again.get(key(1)), 'new');
  });

  test('without a write during the load, everything is stored (the check costs no entries)', async () => {
    await cache.getMany([key(8), key(9)], loader(() => 'v').load);
    const second = loader(() => 'w');
    await cache.getMany([key(8), key(9)], second.load);
    assert.deepEqual(second.asked, []);
  });

  test('a whole-model write during a load keeps out every entry of that model', async () => {
    const first = loader(() => 'old', () => invalidation.invalidate(SPEC, { model: 'res.partner' }));
    await cache.getMany([key(10), cache.key({ model: 'res.partner', scope: 's', id: 2 })], first.load);
    assert.equal(await stored(cache.key({ model: 'res.partner', scope: 's', id: 2 })), false);
    assert.equal(await stored(key(10)), true);
  });

  test("the generation markers expire: an invalidation's marker has a TTL", async () => {
    await invalidation.invalidate(SPEC, { model: 'product.product', ids: [11] });
    const redis = await inspector();
    try {
      const ttl = await redis.client.pTTL(`${config.keyPrefix}cache:${SPEC.namespace}::|gen|product.product|#11`);
      assert.ok(ttl > 0 && ttl <= 5 * 60_000, `pttl ${ttl}`);
    } finally {
      await redis.client.close();
    }
  });
});
