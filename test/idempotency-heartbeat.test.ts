// A key held by a live attempt answers IN_PROGRESS at once (with when to retry); a
// dead holder — a process killed with SIGKILL, so no cleanup runs — stops its
// heartbeat, and its key is taken over once the lease runs out after the last
// heartbeat, not after a fixed minute.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { IdempotencyStore } from '../store/idempotency.ts';
import { Leases } from '../store/leases.ts';
import { isCode } from './support/errors.ts';
import { opened, tempDb } from './support/store.ts';

const args = (key: string) => ({ key, scope: 'confirmQuote', actor: 'rep-1', fingerprint: { quote: '1' } });
const LEASE_MS = 1_500;

test('a live holder keeps its key by heartbeat: another process gets IN_PROGRESS with retryAfter, never a takeover', async (t) => {
  const path = tempDb(t);
  const a = new IdempotencyStore(opened(t, path), { leaseMs: LEASE_MS });
  const b = new IdempotencyStore(opened(t, path), { leaseMs: LEASE_MS, waitMs: 200, pollMinMs: 5, pollMaxMs: 20 });
  let release!: () => void;
  const running = a.run(args('live-1'), () => new Promise<string>((r) => (release = () => r('a'))));
  // Well past the lease: only heartbeats can have kept it.
  await sleep(LEASE_MS * 2);
  let runs = 0;
  const started = performance.now();
  await assert.rejects(b.run(args('live-1'), async () => ++runs), (e) => {
    isCode('IN_PROGRESS', 'idempotencyKey')(e);
    const retryAfterMs = (e as { details: { retryAfterMs: number } }).details.retryAfterMs;
    assert.ok(retryAfterMs >= 1_000 && retryAfterMs <= LEASE_MS, `retryAfterMs ${retryAfterMs}`);
    return true;
  });
  assert.ok(performance.now() - started < LEASE_MS, 'answered within the wait, not after the lease');
  assert.equal(runs, 0, 'a live attempt is never taken over');
  release();
  assert.deepEqual(await running, { result: 'a', replayed: false });
  assert.deepEqual(await b.run(args('live-1'), async () => 'b'), { result: 'a', replayed: true });
});

test('in one process, a caller joining a running attempt waits at most waitMs, then gets IN_PROGRESS', async (t) => {
  const store = new IdempotencyStore(opened(t, tempDb(t)), { leaseMs: LEASE_MS, waitMs: 100 });
  let release!: () => void;
  const running = store.run(args('join-1'), () => new Promise<string>((r) => (release = () => r('done'))));
  await assert.rejects(store.run(args('join-1'), async () => 'never'), isCode('IN_PROGRESS', 'idempotencyKey'));
  release();
  assert.equal((await running).result, 'done');
});

test('a holder killed with SIGKILL is taken over after the heartbeat lease, with its recorded progress', async (t) => {
  const path = tempDb(t);
  opened(t, path); // creates the schema before the child opens the file
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'hold-key.ts'), path, 'dead-1', String(LEASE_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.match(line.toString(), /holding/);
  child.kill('SIGKILL');
  await once(child, 'exit');
  const killedAt = performance.now();

  const b = new IdempotencyStore(opened(t, path), { leaseMs: LEASE_MS, waitMs: 0 });
  let seen: unknown;
  await assert.rejects(b.run(args('dead-1'), async () => 'early'), isCode('IN_PROGRESS', 'idempotencyKey'));
  for (;;) {
    try {
      const out = await b.run(args('dead-1'), async (p) => {
        seen = p.get('odoo.create');
        return { attempt: p.attempt };
      });
      assert.deepEqual(out, { result: { attempt: 2 }, replayed: false });
      break;
    } catch (e) {
      isCode('IN_PROGRESS')(e);
      await sleep(100);
    }
  }
  assert.deepEqual(seen, { attempt: 'dead-attempt' });
  assert.ok(performance.now() - killedAt < LEASE_MS + 5_000, 'taken over about one lease after the death, not after a minute');
});

test('a record lease: a live holder is kept by heartbeat (IN_PROGRESS for others), a held one outlives its work', async (t) => {
  const store = opened(t, tempDb(t));
  const leases = new Leases(store, { leaseMs: 600, waitMs: 100 });
  let release!: () => void;
  const holding = leases.withLease('quote-order:1', () => new Promise<void>((r) => (release = r)));
  await sleep(1_300);
  await assert.rejects(leases.withLease('quote-order:1', async () => 'second'), isCode('IN_PROGRESS'));
  release();
  await holding;
  assert.equal(await leases.withLease('quote-order:1', async () => 'free'), 'free');
  await leases.withLease('quote-order:2', async (lease) => lease.holdUntil(Date.now() + 60_000));
  await assert.rejects(leases.withLease('quote-order:2', async () => 'too soon'), (e) => {
    isCode('IN_PROGRESS')(e);
    assert.ok((e as { details: { retryAfterMs: number } }).details.retryAfterMs > 50_000);
    return true;
  });
});
