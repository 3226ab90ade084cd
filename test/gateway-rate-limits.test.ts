// Per-caller rate limits at the gateway: a subject over its role's limit gets 429
// RATE_LIMITED with Retry-After before any subgraph or backend is called; other
// callers are unaffected; the counters live in the store, shared by processes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadRateLimitConfig } from '../gateway/rate-limit.ts';
import { testStoreEngine } from './support/test-store.ts';
import { openStore } from '../store/database.ts';
import { StoreRateLimitCounter } from '../store/rate-limits.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const QUERY = '{ products(first: 1) { totalCount } }';

describe('per-caller rate limits', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ gateway: { rateLimits: loadRateLimitConfig({ GATEWAY_RATE_LIMITS: 'customer=3', GATEWAY_RATE_LIMIT_WINDOW_S: '3600' }) } });
  });
  after(() => stack.close());

  test('a customer over its limit gets 429 with Retry-After, and no backend is called', async () => {
    const alice = { role: 'customer' as const, sub: 'alice', accountId: stack.world.demo.accountId };
    for (let i = 0; i < 3; i++) assert.equal((await stack.query(QUERY, {}, alice)).status, 200, `request ${i + 1}`);
    await stack.resetCounters();
    const refused = await stack.query(QUERY, {}, alice);
    assert.equal(refused.status, 429);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${refused.headers.get('retry-after')}`);
    assert.equal(refused.errors?.[0]?.extensions?.retryAfter, retryAfter);
    assert.ok(refused.errors?.[0]?.extensions?.requestId);
    assert.equal(stack.odooSandbox.log.count() + stack.hubspotSandbox.log.count(), 0);
  });

  test('the limit is per subject, and per role', async () => {
    const bob = await stack.query(QUERY, {}, { role: 'customer', sub: 'bob', accountId: stack.world.demo.accountId });
    assert.equal(bob.status, 200, 'another customer has its own counter');
    for (let i = 0; i < 5; i++) assert.equal((await stack.query(QUERY, {}, { role: 'finance', sub: 'fin' })).status, 200, 'finance has the larger default');
  });

  test('the counters are in the shared counter the configuration names (the store, or Redis at scale)', async () => {
    const row = await stack.store.sql.get<{ count: number }>('SELECT count FROM rate_limits WHERE key = ?', ['sub:alice']);
    if (testStoreEngine() === 'sqlite') assert.ok(row && row.count >= 4);
    else assert.equal(row, undefined, 'with Redis configured the store keeps no counters');
    // alice's earlier requests are in the counter the gateway used: this hit is at least her 5th
    // (unless an hour's window began since they were made, a second ago at most).
    const hit = await stack.rateLimitCounter.hit('sub:alice', 3_600_000);
    if (hit.resetAtMs - Date.now() < 3_600_000 - 60_000) assert.ok(hit.count >= 5, `count ${hit.count}`);
  });

  test('two processes sharing the store file share the counters; a new window starts at 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rate-'));
    try {
      const a = openStore(join(dir, 's.sqlite'));
      const b = openStore(join(dir, 's.sqlite'));
      const ca = new StoreRateLimitCounter(a);
      const cb = new StoreRateLimitCounter(b);
      const t = 1_800_000_000_000;
      assert.equal((await ca.hit('sub:x', 60_000, t)).count, 1);
      assert.equal((await cb.hit('sub:x', 60_000, t + 10)).count, 2);
      const next = await ca.hit('sub:x', 60_000, t + 60_000);
      assert.equal(next.count, 1);
      assert.equal(next.resetAtMs, Math.floor((t + 60_000) / 60_000) * 60_000 + 60_000);
      a.close();
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('configuration: per-role overrides are validated', async () => {
    assert.equal(loadRateLimitConfig({}).perRole.bi_reader, 3000);
    assert.equal(loadRateLimitConfig({ GATEWAY_RATE_LIMITS: 'bi_reader=10' }).perRole.bi_reader, 10);
    assert.throws(() => loadRateLimitConfig({ GATEWAY_RATE_LIMITS: 'boss=10' }), (e: { code?: string }) => e.code === 'CONFIG_INVALID');
    assert.equal(loadRateLimitConfig({ GATEWAY_RATE_LIMIT_ENABLED: '0' }).enabled, false);
  });
});
