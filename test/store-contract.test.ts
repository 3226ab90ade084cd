// The same store behaviour on both engines: every case below runs on SQLite (a temp
// file, two connections = two processes) and on PostgreSQL (a fresh schema in the
// local server, two pools = two processes, dropped at the end). The store logic is
// written once (store/sql.ts); this file is what proves the dialects agree.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openStore, type Store } from '../store/database.ts';
import { AuditTrail } from '../store/audit.ts';
import { ExceptionQueue } from '../store/exceptions.ts';
import { IdempotencyStore } from '../store/idempotency.ts';
import { Leases } from '../store/leases.ts';
import { StoreRateLimitCounter } from '../store/rate-limits.ts';
import { StoreCursorStore, StoreJobQueue } from '../store/jobs.ts';
import { MIGRATIONS } from '../store/database.ts';
import { openPostgresTestStore, TEST_POSTGRES_URL } from './support/test-store.ts';
import { tempDb } from './support/store.ts';
import { isCode } from './support/errors.ts';

type Pair = { a: Store; b: Store; close(): Promise<void> };
type Ctx = { after: (fn: () => unknown) => void };

const engines: Record<'sqlite' | 'postgres', (t: Ctx) => Promise<Pair>> = {
  sqlite: async (t) => {
    const path = tempDb(t);
    const a = openStore(path);
    const b = openStore(path);
    return { a, b, close: async () => (await a.close(), await b.close()) };
  },
  postgres: async () => {
    const a = await openPostgresTestStore();
    // The second "process" opens the same schema (migrations already applied: a no-op) and leaves dropping it to the first.
    const b = await openPostgresTestStore({ schema: a.env.STORE_SCHEMA!, dropOnClose: false });
    return { a, b, close: async () => (await b.close(), await a.close()) };
  },
};

const entry = (over: Record<string, unknown> = {}) => ({
  actor: { sub: 'rep-1', role: 'sales_rep' }, action: 'updateAccount', system: 'hubspot' as const, object: 'Account', objectId: 'acc-1',
  fields: ['website', 'creditLimit'], before: { website: 'a', creditLimit: 1 }, after: { website: 'b', creditLimit: 2 }, requestId: 'req-1', outcome: 'applied' as const, ...over,
});

for (const [engine, open] of Object.entries(engines)) {
  describe(`store contract on ${engine}`, () => {
    const withPair = (name: string, fn: (p: Pair) => Promise<void>) =>
      test(name, async (t) => {
        const p = await open(t);
        try {
          await fn(p);
        } finally {
          await p.close();
        }
      });

    withPair('20 concurrent claimers of one idempotency key over two store instances: the work runs once, all get its result', async ({ a, b }) => {
      const stores = [new IdempotencyStore(a, { waitMs: 10_000, pollMinMs: 5, pollMaxMs: 20 }), new IdempotencyStore(b, { waitMs: 10_000, pollMinMs: 5, pollMaxMs: 20 })];
      let runs = 0;
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        stores[i % 2]!.run({ key: 'k-1', scope: 'confirmQuote', actor: 'rep-1', fingerprint: { quote: 1 } }, async (progress) => {
          runs++;
          await progress.record('odoo', { order: 7 });
          await new Promise((r) => setTimeout(r, 50));
          return { order: 7 };
        })));
      assert.equal(runs, 1);
      assert.deepEqual(new Set(outcomes.map((o) => JSON.stringify(o.result))), new Set(['{"order":7}']));
      assert.equal(outcomes.filter((o) => !o.replayed).length, 1);
      assert.deepEqual((await stores[1]!.inspect('confirmQuote', 'k-1'))?.steps, ['odoo']);
      await assert.rejects(stores[0]!.run({ key: 'k-1', scope: 'confirmQuote', actor: 'rep-1', fingerprint: { quote: 2 } }, async () => 1), isCode('CONFLICT'));
    });

    withPair('an idempotency lease not renewed is taken over after expiry, with the recorded steps', async ({ a, b }) => {
      let clock = 1_000_000;
      const now = () => clock;
      const holder = new IdempotencyStore(a, { leaseMs: 1_000, now });
      const taker = new IdempotencyStore(b, { leaseMs: 1_000, waitMs: 50, pollMinMs: 5, pollMaxMs: 10, now });
      let release!: () => void;
      const held = holder.run({ key: 'k-2', scope: 's', actor: 'x', fingerprint: 1 }, async (p) => {
        await p.record('step-1', 'done');
        await new Promise<void>((r) => (release = r));
        return 'first';
      });
      await new Promise((r) => setTimeout(r, 30));
      await assert.rejects(taker.run({ key: 'k-2', scope: 's', actor: 'x', fingerprint: 1 }, async () => 'second'), isCode('IN_PROGRESS'));
      clock += 5_000; // the holder's lease ran out (heartbeats use this clock too, but the timer has not fired)
      const taken = await taker.run({ key: 'k-2', scope: 's', actor: 'x', fingerprint: 1 }, async (p) => `${p.attempt}:${String(p.get('step-1'))}`);
      assert.deepEqual(taken, { result: '2:done', replayed: false });
      release();
      await held;
    });

    withPair('audit: append-only in the database, masked, paged newest first with a stable cursor', async ({ a, b }) => {
      const audit = new AuditTrail(a);
      const stored = await audit.record(entry());
      assert.deepEqual(stored.after, { website: 'b', creditLimit: '***' });
      await assert.rejects(a.sql.run("UPDATE audit_log SET outcome = 'refused' WHERE id = ?", [Number(stored.id)]), /append-only/);
      await assert.rejects(a.sql.run('DELETE FROM audit_log WHERE id = ?', [Number(stored.id)]), /append-only/);
      for (let i = 0; i < 24; i++) await new AuditTrail(i % 2 ? a : b).record(entry({ objectId: `acc-${i}` }));
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await new AuditTrail(b).query({}, { first: 10, after });
        if (seen.length === 0) await audit.record(entry({ objectId: 'late' })); // newer than the cursor: not in this walk
        seen.push(...page.entries.map((e) => e.id));
        assert.equal(await page.totalCount(), 26, 'counted when asked: the late entry included');
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      assert.equal(seen.length, 25);
      assert.deepEqual(seen, [...seen].sort((x, y) => Number(y) - Number(x)));
      assert.equal(new Set(seen).size, 25);
      assert.deepEqual((await audit.query({ objectId: 'acc-3' }, { first: 5 })).entries.map((e) => e.objectId), ['acc-3']);
    });

    withPair('exceptions: one live row per failure across instances, RETRYING once, resolve, discard, paging by team', async ({ a, b }) => {
      const qa = new ExceptionQueue(a);
      const qb = new ExceptionQueue(b);
      const input = { team: 'ERP_ADMIN' as const, type: 'MAPPING' as const, code: 'MAPPING_ERROR', message: 'bad', object: 'sale.order', objectId: '5', requestId: 'r', actor: 'flow', payload: { flow: 'flow', change: { model: 'sale.order', recordId: '5', version: 'v' } } };
      const recorded = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? qa : qb).record(input)));
      assert.equal(new Set(recorded.map((e) => e.id)).size, 1, 'concurrent occurrences of one failure are one row');
      const id = recorded[0]!.id;
      assert.equal((await qa.get(id))!.occurrences, 6);
      const replays = await Promise.all([qa.markRetrying(id, async () => 'queued-a'), qb.markRetrying(id, async () => 'queued-b')]);
      assert.equal(replays.filter(Boolean).length, 1, 'two replays: one queues');
      await assert.rejects(qa.markRetrying((await qa.reopen(id, { code: 'X', message: 'again' }, 'r2'))!.id, async () => { throw new Error('queue down'); }));
      assert.equal((await qb.get(id))!.status, 'OPEN', 'a replay that could not queue leaves it OPEN');
      assert.equal(await qa.resolveForRecord('flow', { model: 'sale.order', recordId: '5' }, 'applied later'), 1);
      assert.equal((await qb.get(id))!.status, 'RESOLVED');
      const other = await qb.record({ ...input, team: 'FINANCE', code: 'TAX_ID_MISMATCH', objectId: '6' });
      assert.equal((await qa.discard(other.id, 'fin-1', 'not ours'))!.status, 'DISCARDED');
      assert.deepEqual((await qa.query({ teams: ['FINANCE'] }, { first: 10 })).rows.map((e) => e.id), [other.id]);
      assert.deepEqual(await qa.openCounts(), []);
    });

    withPair('rate-limit windows are shared by two instances and roll over', async ({ a, b }) => {
      const ca = new StoreRateLimitCounter(a);
      const cb = new StoreRateLimitCounter(b);
      const t0 = 60_000 * 1_000;
      const hits = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? ca : cb).hit('sub:alice', 60_000, t0 + i)));
      assert.deepEqual(hits.map((h) => h.count).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(hits[0]!.resetAtMs, t0 + 60_000);
      assert.deepEqual(await ca.hit('sub:alice', 60_000, t0 + 60_000), { count: 1, resetAtMs: t0 + 120_000 });
      assert.equal((await cb.hit('sub:bob', 60_000, t0)).count, 1);
    });

    withPair('jobs and cursors: dedupe, one claim per job across instances, ordering per record, cursors shared', async ({ a, b }) => {
      const qa = new StoreJobQueue(a);
      const qb = new StoreJobQueue(b);
      const hint = (id: string, version: string) => ({ model: 'sale.order', recordId: id, version });
      for (let i = 0; i < 10; i++) await qa.enqueue({ flow: 'f', change: hint(String(i), 'v1'), origin: 'poll' });
      await qa.enqueue({ flow: 'f', change: hint('0', 'v2'), origin: 'poll' });
      assert.equal((await qb.enqueue({ flow: 'f', change: hint('0', 'v1'), origin: 'webhook' })).duplicate, true);
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? qa : qb).claim(`w${i}`, 2, 10_000)));
      const ids = claims.flat().map((j) => j.id);
      assert.equal(ids.length, 10, 'every head claimed');
      assert.equal(new Set(ids).size, 10, 'no job claimed twice');
      assert.ok(!claims.flat().some((j) => j.change.version === 'v2'), "record 0's next version waits for its first");
      assert.deepEqual({ ...(await qa.stats()), rearmed: 0 }, { queued: 1, running: 10, done: 0, dead: 0, duplicatesDropped: 1, retries: 0, rearmed: 0 });
      const ca = new StoreCursorStore(a);
      await ca.set('f', 'sale.order', { version: '2026-01-01T00:00:00.000Z', id: '9' });
      assert.deepEqual(await new StoreCursorStore(b).get('f', 'sale.order'), { version: '2026-01-01T00:00:00.000Z', id: '9' });
    });

    withPair('leases: one holder at a time across instances; a dead holder expires into the next', async ({ a, b }) => {
      const la = new Leases(a, { leaseMs: 300, waitMs: 2_000 });
      const lb = new Leases(b, { leaseMs: 300, waitMs: 2_000 });
      let inside = 0;
      let most = 0;
      await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? la : lb).withLease('order-of-quote-1', async () => {
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      })));
      assert.equal(most, 1);
      // A holder that dies: its row stays, unrenewed; the next caller takes over once it expires.
      await a.sql.run('INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)', ['crashed', 'dead-owner', Date.now() + 200]);
      assert.equal(await lb.withLease('crashed', async () => 'taken'), 'taken');
      await assert.rejects(new Leases(b, { leaseMs: 5_000, waitMs: 0 }).withLease('held', () => la.withLease('held', async () => 1)), isCode('IN_PROGRESS'));
    });
  });
}

test('the Postgres and SQLite schemas have the same tables and columns (migrations cannot drift)', async (t) => {
  const sqlite = openStore(':memory:');
  const pgStore = await openPostgresTestStore();
  try {
    const columnsOf = (rows: Array<{ t: string; c: string }>) => {
      const m: Record<string, string[]> = {};
      for (const r of rows) (m[r.t] ??= []).push(r.c);
      for (const k of Object.keys(m)) m[k]!.sort();
      return m;
    };
    const lite = columnsOf(sqlite.db.prepare<[], { t: string; c: string }>(
      `SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> 'schema_migrations'`).all());
    const pgCols = columnsOf(await pgStore.sql.query<{ t: string; c: string }>(
      "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = ? AND table_name <> 'store_migrations'", [pgStore.env.STORE_SCHEMA!]));
    assert.deepEqual(pgCols, lite);
    assert.ok(Object.keys(lite).length >= 9, 'the comparison saw the tables');
    assert.equal(MIGRATIONS.length, 9, 'a new SQLite migration needs its Postgres twin in store/migrations/postgres (then update this count)');
  } finally {
    await sqlite.close();
    await pgStore.close();
  }
  // The schema is gone after close.
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  const left = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [pgStore.env.STORE_SCHEMA]);
  await client.end();
  assert.equal(left.rowCount, 0);
  void t;
});

test('Postgres roles as documented: the service role starts, writes and audits, but cannot UPDATE or DELETE the audit trail', async () => {
  const owner = await openPostgresTestStore();
  const schema = owner.env.STORE_SCHEMA!;
  const role = `svc_${schema}`;
  const q = (sql: string) => owner.sql.run(sql);
  let service: Store | undefined;
  try {
    await q(`CREATE ROLE ${role} LOGIN`);
    // The grants of docs/store-postgres.md, "Postgres roles".
    await q(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    await q(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${['idempotency_keys', 'idempotency_progress', 'integration_exceptions', 'leases', 'rate_limits', 'sync_jobs', 'sync_cursors', 'sync_counters'].map((t) => `${schema}.${t}`).join(', ')} TO ${role}`);
    await q(`GRANT SELECT, INSERT ON ${schema}.audit_log TO ${role}`);
    await q(`GRANT SELECT ON ${schema}.store_migrations TO ${role}`);
    // A service role cannot migrate (it owns nothing): it starts with STORE_MIGRATE=0 and only checks the schema is current.
    const url0 = new URL(TEST_POSTGRES_URL);
    url0.username = role;
    const { openPostgresStore: open0 } = await import('../store/postgres.ts');
    await assert.rejects(open0({ url: url0.toString(), schema }), isCode('STORE_UNAVAILABLE'));
    await owner.sql.run("DELETE FROM store_migrations WHERE name = '0002_audit_log_append_only'");
    await assert.rejects(open0({ url: url0.toString(), schema, migrate: false }), (e: Error) => /lacks migrations 0002_audit_log_append_only/.test(e.message));
    await owner.sql.run("INSERT INTO store_migrations (name, run_on) VALUES ('0002_audit_log_append_only', now())");
    await q(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.username = role;
    const { openPostgresStore } = await import('../store/postgres.ts');
    service = await openPostgresStore({ url: url.toString(), schema, migrate: false });
    const audit = new AuditTrail(service);
    const e = await audit.record(entry());
    assert.deepEqual(await new IdempotencyStore(service).run({ key: 'k', scope: 's', actor: 'a', fingerprint: 1 }, async () => 'ok'), { result: 'ok', replayed: false });
    await assert.rejects(service.sql.run("UPDATE audit_log SET outcome = 'refused' WHERE id = ?", [Number(e.id)]), /permission denied/);
    await assert.rejects(service.sql.run('DELETE FROM audit_log'), /permission denied/);
    await assert.rejects(service.sql.run('TRUNCATE audit_log'), /permission denied|must be owner/);
    await assert.rejects(service.sql.run('DROP TRIGGER audit_log_no_update_delete ON audit_log'), /must be owner/);
    // Even the owner cannot rewrite history while the trigger stands.
    await assert.rejects(owner.sql.run('TRUNCATE audit_log'), /append-only/);
  } finally {
    await service?.close();
    await owner.close();
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`DROP ROLE IF EXISTS ${role}`);
    await client.end();
  }
});

test('replicas opening one fresh Postgres schema at once, beside the job queue\'s migration, all start (migrations wait for each other)', async () => {
  const { openPostgresStore } = await import('../store/postgres.ts');
  const { PgBossJobQueue } = await import('../store/pg-boss-queue.ts');
  const suffix = `${process.pid}_${Math.random().toString(16).slice(2, 10)}`;
  const schema = `store_race_${suffix}`;
  const queueSchema = `queue_race_${suffix}`;
  const opened = await Promise.allSettled([
    ...[1, 2, 3, 4].map(() => openPostgresStore({ url: TEST_POSTGRES_URL, schema, maxConnections: 2 })),
    ...[1, 2].map(() => PgBossJobQueue.open({ connectionString: TEST_POSTGRES_URL, schema: queueSchema, maintenanceIntervalSeconds: false, poolMax: 2 })),
  ]);
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const openers = ['store', 'store', 'store', 'store', 'queue', 'queue'];
    const failures = opened.flatMap((o, i) => (o.status === 'rejected' ? [`${openers[i]}: ${String((o.reason as { cause?: Error }).cause?.message ?? o.reason)}`] : []));
    assert.deepEqual(failures, [], 'every opener started');
    const stores = opened.slice(0, 4).map((o) => (o as PromiseFulfilledResult<Store>).value);
    await new AuditTrail(stores[0]!).record({
      actor: { sub: 'race', role: 'integration' }, action: 'race', system: 'odoo', object: 'Deal', objectId: '1', fields: [], before: {}, after: {},
      requestId: 'r', outcome: 'applied',
    });
    assert.equal((await new AuditTrail(stores[3]!).query({ action: 'race' }, { first: 10 })).entries.length, 1, 'one schema, seen by every replica');
    const applied = await client.query(`SELECT name, count(*)::int AS n FROM ${schema}.store_migrations GROUP BY name HAVING count(*) > 1`);
    assert.deepEqual(applied.rows, [], 'each migration ran once');
  } finally {
    for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${queueSchema} CASCADE`);
    await client.end();
  }
});
