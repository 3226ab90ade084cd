// The durable queue's contract (store/jobs.ts), on a store of its own: duplicates
// of (record, version) dropped and counted, one job at a time per record in
// order, a dead worker's lease expiring into a retake, backoff and dead letters,
// and cursors surviving a reopen of the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore, StoreCursorStore, StoreJobQueue, ExceptionQueue } from '../store/index.ts';
import { backoffDelayMs, comparePositions, withOverlap } from '../worker/engine.ts';

const hint = (recordId: string, version: string) => ({ model: 'sale.order', recordId, version });

test('the same record and version is queued once; the duplicate is counted', async () => {
  const store = openStore(':memory:');
  const q = new StoreJobQueue(store);
  assert.equal((await q.enqueue({ flow: 'f', change: hint('1', '2026-01-01T00:00:00.000Z'), origin: 'poll' })).duplicate, false);
  assert.equal((await q.enqueue({ flow: 'f', change: hint('1', '2026-01-01T00:00:00.000Z'), origin: 'webhook' })).duplicate, true);
  assert.equal((await q.enqueue({ flow: 'f', change: hint('1', '2026-01-01T00:00:01.000Z'), origin: 'poll' })).duplicate, false);
  assert.equal((await q.enqueue({ flow: 'g', change: hint('1', '2026-01-01T00:00:00.000Z'), origin: 'poll' })).duplicate, false, 'another flow is another job');
  assert.deepEqual({ queued: (await q.stats()).queued, dropped: (await q.stats()).duplicatesDropped }, { queued: 3, dropped: 1 });
  store.close();
});

test('one job per record at a time, oldest first; a dead worker\'s lease expires into a retake', async () => {
  let now = 1_000;
  const store = openStore(':memory:');
  const q = new StoreJobQueue(store, { now: () => now });
  await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
  await q.enqueue({ flow: 'f', change: hint('1', 'v2'), origin: 'poll' });
  await q.enqueue({ flow: 'f', change: hint('2', 'v1'), origin: 'poll' });
  const a = await q.claim('A', 10, 500);
  assert.deepEqual(a.map((j) => `${j.change.recordId}@${j.change.version}`), ['1@v1', '2@v1']);
  assert.equal((await q.claim('B', 10, 500)).length, 0, 'record 1 is held; its next version waits');
  now += 501; // A died without a word
  const b = await q.claim('B', 10, 500);
  assert.deepEqual(b.map((j) => `${j.change.recordId}@${j.change.version}`), ['1@v1', '2@v1']);
  assert.equal(b[0]!.attempts, 2);
  assert.equal(await q.complete(a[0]!.id, 'A'), false, 'the dead owner cannot complete a retaken job');
  assert.equal(await q.complete(b[0]!.id, 'B'), true);
  assert.deepEqual((await q.claim('B', 10, 500)).map((j) => j.change.version), ['v2']);
  store.close();
});

test('a failed attempt waits its backoff; dead is final', async () => {
  let now = 0;
  const store = openStore(':memory:');
  const q = new StoreJobQueue(store, { now: () => now });
  const { job } = await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
  await q.claim('A', 1, 1_000);
  await q.fail(job!.id, 'A', { code: 'BACKEND_UNAVAILABLE', message: 'down' }, { delayMs: 100 });
  assert.equal((await q.claim('A', 1, 1_000)).length, 0);
  now = 100;
  assert.equal((await q.claim('A', 1, 1_000)).length, 1);
  await q.fail(job!.id, 'A', { code: 'BACKEND_UNAVAILABLE', message: 'down' }, 'dead');
  now = 10_000;
  assert.equal((await q.claim('A', 1, 1_000)).length, 0);
  assert.deepEqual({ dead: (await q.stats()).dead, retries: (await q.stats()).retries }, { dead: 1, retries: 1 });
  store.close();
});

test('backoff grows exponentially with jitter and a ceiling', async () => {
  assert.equal(backoffDelayMs(1, 1_000, 60_000, () => 0), 500);
  assert.equal(backoffDelayMs(1, 1_000, 60_000, () => 1), 1_000);
  assert.equal(backoffDelayMs(4, 1_000, 60_000, () => 1), 8_000);
  assert.equal(backoffDelayMs(20, 1_000, 60_000, () => 1), 60_000);
});

test('cursors survive a reopen; the overlap moves a position back to the start of that instant', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cursor-'));
  try {
    const path = join(dir, 's.sqlite');
    let store = openStore(path);
    await new StoreCursorStore(store).set('f', 'sale.order', { version: '2026-01-01T00:00:10.000Z', id: '7' });
    store.close();
    store = openStore(path);
    const pos = await new StoreCursorStore(store).get('f', 'sale.order');
    assert.deepEqual(pos, { version: '2026-01-01T00:00:10.000Z', id: '7' });
    assert.deepEqual(withOverlap(pos, 5_000), { version: '2026-01-01T00:00:05.000Z', id: '' });
    assert.ok(comparePositions({ version: pos!.version, id: '10' }, pos!) > 0, 'ids compare as numbers');
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same failure on the same object is one exception with a count', async () => {
  const store = openStore(':memory:');
  const ex = new ExceptionQueue(store);
  const input = { team: 'ERP_ADMIN' as const, type: 'MAPPING' as const, code: 'MAPPING_ERROR', message: 'bad', object: 'sale.order', objectId: '5', requestId: 'r', actor: 'order-status' };
  const a = await ex.record(input);
  const b = await ex.record({ ...input, message: 'still bad' });
  assert.equal(a.id, b.id);
  assert.equal(b.occurrences, 2);
  assert.equal(b.message, 'still bad');
  assert.notEqual((await ex.record({ ...input, objectId: '6' })).id, a.id, 'another object is another exception');
  await ex.discard(a.id, 'someone', 'not ours');
  assert.notEqual((await ex.record(input)).id, a.id, 'after it was closed, a new failure is a new exception');
  store.close();
});

test('a finished job that may have read the record before a second write of the same second runs again; a later one does not', async () => {
  const version = '2026-01-01T00:00:00.000Z';
  const t = Date.parse(version);
  let now = t + 200;
  const store = openStore(':memory:');
  const q = new StoreJobQueue(store, { now: () => now, settleMs: 1_000 });
  await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'poll' });
  const [job] = await q.claim('A', 1, 1_000);
  await q.complete(job!.id, 'A');
  now = t + 5_000;
  assert.equal((await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'poll' })).duplicate, false, 'ran 200 ms into its version: run again');
  assert.equal((await q.stats()).rearmed, 1);
  const [again] = await q.claim('A', 1, 1_000);
  await q.complete(again!.id, 'A');
  assert.equal((await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'poll' })).duplicate, true, 'ran well after its version: a true duplicate');
  store.close();
});
