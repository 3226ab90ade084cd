// Exactly-once mutations: the idempotency store on a real SQLite file, reopened to
// prove that keys, results and step progress survive a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { appError } from '../policy/errors.ts';
import { openStore, MIGRATIONS } from '../store/database.ts';
import { loadStoreConfig } from '../store/config.ts';
import { IdempotencyStore, fingerprintOf, type ProgressRecorder } from '../store/idempotency.ts';
import { isCode } from './support/errors.ts';
import { opened, tempDb as tempDbIn } from './support/store.ts';

// Every store here lives in a directory that does not exist yet: opening one creates it.
const tempDb = (t: { after: (fn: () => void) => void }) => tempDbIn(t, 'nested');

const args = (key: string, input: unknown = { accountId: 'A1', creditLimit: 5000 }, actor = 'user-1') => ({
  key,
  scope: 'updateAccount',
  actor,
  fingerprint: input,
});

test('same key and payload: work runs once, the replay returns the stored result, also after a restart', async (t) => {
  const path = tempDb(t);
  let runs = 0;
  const work = async () => ({ n: ++runs, at: new Date('2026-01-02T03:04:05Z') });

  const s1 = openStore(path);
  const store1 = new IdempotencyStore(s1);
  const first = await store1.run(args('k-1'), work);
  assert.equal(first.replayed, false);
  // Every caller sees the JSON form, so first answer and replay are identical.
  assert.deepEqual(first.result, { n: 1, at: '2026-01-02T03:04:05.000Z' });
  const again = await store1.run(args('k-1', { creditLimit: 5000, accountId: 'A1' }), work); // key order is irrelevant
  assert.deepEqual(again, { result: first.result, replayed: true });
  s1.close();

  const s2 = opened(t, path);
  const store2 = new IdempotencyStore(s2);
  const afterRestart = await store2.run(args('k-1'), work);
  assert.deepEqual(afterRestart, { result: first.result, replayed: true });
  assert.equal(runs, 1);
  // Another scope is another key space.
  const other = await store2.run({ ...args('k-1'), scope: 'confirmQuote' }, work);
  assert.equal(other.replayed, false);
  assert.equal(runs, 2);
});

test('same key with another payload or another actor is CONFLICT; invalid keys are BAD_USER_INPUT', async (t) => {
  const store = new IdempotencyStore(opened(t, tempDb(t)));
  let runs = 0;
  const work = async () => ++runs;
  await store.run(args('k-2'), work);
  await assert.rejects(store.run(args('k-2', { accountId: 'A1', creditLimit: 6000 }), work), (e) => {
    isCode('CONFLICT', 'idempotencyKey')(e);
    assert.match((e as Error).message, /idempotency key reused with a different payload/);
    return true;
  });
  await assert.rejects(store.run(args('k-2', undefined, 'user-2'), work), isCode('CONFLICT', 'idempotencyKey'));
  for (const bad of ['', 'x'.repeat(201), 'has space', 'semi;colon', 'ünïcode', 42]) {
    await assert.rejects(store.run({ ...args('k'), key: bad as string }, work), isCode('BAD_USER_INPUT', 'idempotencyKey'));
  }
  await store.run(args('A.b_c:d-' + 'x'.repeat(192)), work); // 200 chars of the allowed alphabet
  assert.equal(runs, 2);
  assert.equal(fingerprintOf({ b: [1, { d: 1, c: 2 }], a: null }), fingerprintOf({ a: null, b: [1, { c: 2, d: 1 }] }));
  assert.notEqual(fingerprintOf({ a: 1 }), fingerprintOf({ a: '1' }));
});

test('20 concurrent calls with one key: work runs once and all get the same result', async (t) => {
  const store = new IdempotencyStore(opened(t, tempDb(t)));
  let runs = 0;
  const work = async () => {
    runs++;
    await sleep(30);
    return { orderId: 'SO-0042', run: runs };
  };
  const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.run(args('k-3'), work)));
  assert.equal(runs, 1);
  assert.equal(outcomes.filter((o) => !o.replayed).length, 1);
  for (const o of outcomes) assert.deepEqual(o.result, { orderId: 'SO-0042', run: 1 });
  // A concurrent call with another payload is refused at once, not queued.
  const slow = store.run(args('k-3b'), async () => (await sleep(20), 1));
  await assert.rejects(store.run(args('k-3b', { other: true }), work), isCode('CONFLICT'));
  await slow;
});

test('concurrent followers of a failing attempt get its error; work ran once', async (t) => {
  const store = new IdempotencyStore(opened(t, tempDb(t)));
  let runs = 0;
  const work = async () => {
    runs++;
    await sleep(10);
    throw appError('BACKEND_UNAVAILABLE', 'Odoo did not answer', { system: 'odoo' });
  };
  const settled = await Promise.allSettled(Array.from({ length: 5 }, () => store.run(args('k-4'), work)));
  assert.equal(runs, 1);
  for (const s of settled) {
    assert.equal(s.status, 'rejected');
    isCode('BACKEND_UNAVAILABLE')((s as PromiseRejectedResult).reason);
  }
});

test('a failed attempt is resumed by a retry (also after a restart) without redoing recorded steps', async (t) => {
  const path = tempDb(t);
  const calls = { odoo: 0, hubspot: 0 };
  let hubspotDown = true;
  const work = async (progress: ProgressRecorder) => {
    let order = progress.get('odoo') as { id: number } | undefined;
    if (!order) {
      calls.odoo++;
      order = { id: 42 };
      await progress.record('odoo', order);
    }
    calls.hubspot++;
    if (hubspotDown) throw appError('BACKEND_UNAVAILABLE', 'HubSpot 503', { system: 'hubspot' });
    await progress.record('hubspot', { dealId: '9001' });
    return { orderId: order.id, attempt: progress.attempt, steps: progress.recordedSteps() };
  };

  const s1 = openStore(path);
  const store1 = new IdempotencyStore(s1);
  await assert.rejects(store1.run(args('k-5'), work), isCode('BACKEND_UNAVAILABLE'));
  const info = (await store1.inspect('updateAccount', 'k-5'))!;
  assert.equal(info.status, 'failed');
  assert.deepEqual(info.error, { code: 'BACKEND_UNAVAILABLE', message: 'HubSpot 503' });
  assert.deepEqual(info.steps, ['odoo']);
  // Second attempt in the same process fails again but still does not redo Odoo.
  await assert.rejects(store1.run(args('k-5'), work), isCode('BACKEND_UNAVAILABLE'));
  assert.deepEqual(calls, { odoo: 1, hubspot: 2 });
  s1.close();

  hubspotDown = false;
  const store2 = new IdempotencyStore(opened(t, path));
  const out = await store2.run(args('k-5'), work);
  assert.deepEqual(out, { result: { orderId: 42, attempt: 3, steps: ['odoo', 'hubspot'] }, replayed: false });
  assert.deepEqual(calls, { odoo: 1, hubspot: 3 });
  assert.equal((await store2.inspect('updateAccount', 'k-5'))!.status, 'completed');
  // A changed payload is still refused on a failed key.
  await assert.rejects(store2.run(args('k-5', { x: 1 }), work), isCode('CONFLICT'));
});

test('a stale in_progress key (crashed process) is taken over after the lease, with its progress', async (t) => {
  const path = tempDb(t);
  let clock = 1_000_000;
  const now = () => clock;

  // Process A records the Odoo step, then "crashes": its connection goes away mid-work.
  const sA = openStore(path);
  const a = new IdempotencyStore(sA, { leaseMs: 60_000, now });
  void a.run(args('k-6'), async (p) => {
    await p.record('odoo', { orderId: 7 });
    return new Promise<never>(() => undefined);
  });
  await sleep(5);
  sA.close();

  // Process B, restarted, sees the key in progress: it waits while the lease is live…
  const b = new IdempotencyStore(opened(t, path), { leaseMs: 60_000, now, pollMinMs: 5, pollMaxMs: 10 });
  let seen: unknown;
  let runs = 0;
  const pending = b.run(args('k-6'), async (p) => {
    runs++;
    seen = p.get('odoo');
    return { resumed: true, attempt: p.attempt };
  });
  clock += 30_000;
  await sleep(40);
  assert.equal(runs, 0, 'must not run while the lease is live');
  // …and takes it over once the lease has expired.
  clock += 31_000;
  const out = await pending;
  assert.equal(runs, 1);
  assert.deepEqual(seen, { orderId: 7 });
  assert.deepEqual(out, { result: { resumed: true, attempt: 2 }, replayed: false });
});

test('a second process waits for the running attempt and replays its result', async (t) => {
  const path = tempDb(t);
  const a = new IdempotencyStore(opened(t, path));
  const b = new IdempotencyStore(opened(t, path), { pollMinMs: 5, pollMaxMs: 10 });
  let runs = 0;
  const work = async () => {
    runs++;
    await sleep(50);
    return { ok: runs };
  };
  const first = a.run(args('k-7'), work);
  await sleep(5);
  const second = await b.run(args('k-7'), work);
  assert.deepEqual(second, { result: { ok: 1 }, replayed: true });
  assert.deepEqual(await first, { result: { ok: 1 }, replayed: false });
  assert.equal(runs, 1);
});

test('an attempt whose key was taken over can no longer record progress (fencing)', async (t) => {
  const path = tempDb(t);
  let clock = 0;
  const now = () => clock;
  const a = new IdempotencyStore(opened(t, path), { leaseMs: 1_000, now });
  const b = new IdempotencyStore(opened(t, path), { leaseMs: 1_000, now });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = a.run(args('k-8'), async (p) => {
    await gate;
    await p.record('odoo', 1);
    return 'a';
  });
  await sleep(5);
  clock += 2_000;
  assert.deepEqual(await b.run(args('k-8'), async () => 'b'), { result: 'b', replayed: false });
  release();
  await assert.rejects(slow, isCode('CONFLICT'));
  assert.deepEqual((await b.run(args('k-8'), async () => 'c')).result, 'b');
});

test('purgeExpired removes keys older than the TTL with their progress, keeps recent ones and live leases', async (t) => {
  const path = tempDb(t);
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const now = () => clock;
  const hours = (h: number) => h * 3_600_000;
  // A lease longer than the TTL, so a key can be both old and still held.
  const store = new IdempotencyStore(opened(t, path), { ttlHours: 72, leaseMs: hours(200), now });
  await store.run(args('old'), async (p) => (p.record('odoo', 1), 'old'));
  let release!: () => void;
  const live = store.run(args('live'), () => new Promise<string>((r) => (release = () => r('live'))));
  clock += hours(73);
  await store.run(args('new'), async () => 'new');

  assert.equal(await store.purgeExpired(new Date(clock)), 1);
  assert.equal(await store.inspect('updateAccount', 'old'), null);
  assert.equal((await store.inspect('updateAccount', 'new'))!.status, 'completed');
  assert.equal((await store.inspect('updateAccount', 'live'))!.status, 'in_progress');
  const steps = opened(t, path).db.prepare("SELECT COUNT(*) AS n FROM idempotency_progress WHERE key = 'old'").get() as { n: number };
  assert.equal(steps.n, 0);
  // A purged key is free again, even with another payload.
  assert.deepEqual(await store.run(args('old', { fresh: true }), async () => 'again'), { result: 'again', replayed: false });

  release();
  assert.deepEqual(await live, { result: 'live', replayed: false });
  clock += hours(73);
  assert.equal(await store.purgeExpired(new Date(clock)), 3);
  assert.equal(await store.purgeExpired(new Date(clock)), 0);
});

test('store: migrations are versioned, applied once, folder created; config defaults and validation', async (t) => {
  const path = tempDb(t);
  const s1 = openStore(path);
  assert.ok(existsSync(path));
  assert.equal(s1.schemaVersion, MIGRATIONS.length);
  assert.equal(s1.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.ok(Number(s1.db.pragma('busy_timeout', { simple: true })) > 0);
  s1.close();
  const s2 = opened(t, path);
  const rows = s2.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
  assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  s2.close();
  // A database written by newer code is refused rather than misread.
  const s3 = openStore(path);
  s3.db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
  s3.close();
  assert.throws(() => openStore(path), isCode('INTERNAL_SERVER_ERROR'));

  const mem = openStore(':memory:');
  assert.equal(mem.schemaVersion, MIGRATIONS.length);
  mem.close();

  assert.deepEqual(loadStoreConfig({}), {
    STORE_SCHEMA: 'public', STORE_MIGRATE: true, STORE_POOL_MAX: 10, STORE_PATH: '.data/supergraph.sqlite', IDEMPOTENCY_LEASE_MS: 15_000, IDEMPOTENCY_WAIT_MS: 8_000, IDEMPOTENCY_TTL_HOURS: 72,
  });
  // Postgres only, named in the error, the value (it may hold a password) never echoed.
  assert.equal(loadStoreConfig({ STORE_URL: 'postgresql://svc@db.internal:5432/supergraph' }).STORE_URL, 'postgresql://svc@db.internal:5432/supergraph');
  for (const bad of ['mysql://u:hunter2@h/db', 'postgres://u:hunter2@/db', 'not a url hunter2', 'postgres://u:hunter2@h']) {
    assert.throws(() => loadStoreConfig({ STORE_URL: bad }), (e) => {
      isCode('CONFIG_INVALID', 'STORE_URL')(e);
      assert.doesNotMatch((e as Error).message, /hunter2/);
      return true;
    });
  }
  assert.throws(() => loadStoreConfig({ STORE_SCHEMA: 'x; DROP' }), isCode('CONFIG_INVALID', 'STORE_SCHEMA'));
  assert.equal(loadStoreConfig({ STORE_PATH: '/tmp/x.sqlite', IDEMPOTENCY_TTL_HOURS: '24' }).IDEMPOTENCY_TTL_HOURS, 24);
  assert.throws(() => loadStoreConfig({ IDEMPOTENCY_LEASE_MS: 'soon' }), (e) => {
    isCode('CONFIG_INVALID', 'IDEMPOTENCY_LEASE_MS')(e);
    return true;
  });
  assert.throws(() => loadStoreConfig({ STORE_PATH: '  ' }), isCode('CONFIG_INVALID', 'STORE_PATH'));
});
