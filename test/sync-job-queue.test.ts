// The durable queue's contract (store/jobs.ts), run against both carriers — the
// embedded SQLite queue and pg-boss on the local PostgreSQL (a fresh schema per
// case, dropped at the end): duplicates of (record, version) dropped and counted
// even after the job finished, one job at a time per record in order, a dead
// worker's lease expiring into a retake, renewal, backoff and dead letters,
// rearming, cursors surviving a reopen, and two workers sharing one backlog with
// every job run once and each record's versions in order. The cursors stay in
// the store (SQLite file or STORE_URL's schema), so their case runs on the store.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { openStore, StoreCursorStore, StoreJobQueue, ExceptionQueue, type Job, type JobQueue, type JobStatus } from '../store/index.ts';
import { migrateJobQueue, PgBossJobQueue } from '../store/pg-boss-queue.ts';
import { loadJobQueueConfig, openJobQueue } from '../store/job-queue.ts';
import { backoffDelayMs, comparePositions, withOverlap } from '../worker/engine.ts';

const hint = (recordId: string, version: string) => ({ model: 'sale.order', recordId, version });
const show = (jobs: Job[]) => jobs.map((j) => `${j.change.recordId}@${j.change.version}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Queue = JobQueue & { list(filter?: { flow?: string; status?: JobStatus }, limit?: number): Promise<Job[]> };

interface Opened {
  queue: Queue;
  /** Another handle on the same durable state (a second worker process, or a restart). */
  reopen(): Promise<{ queue: Queue }>;
  /** Lets `ms` pass: the SQLite queue's injected clock moves; Postgres's clock is real. */
  wait(ms: number): Promise<void>;
  /** What time it is for the queue. */
  now(): number;
}

interface Carrier {
  name: string;
  open(options?: { maxAttempts?: number; settleMs?: number }): Promise<Opened>;
  cleanup(): Promise<void>;
}

const sqlite: Carrier = (() => {
  const dirs: string[] = [];
  const closers: (() => void)[] = [];
  return {
    name: 'sqlite',
    async open(options = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'sync-queue-'));
      dirs.push(dir);
      const path = join(dir, 's.sqlite');
      let now = Date.now();
      const store = openStore(path);
      closers.push(() => store.close());
      // The embedded store belongs to one process: a second worker there is a second queue on its connection.
      const handle = () => ({ queue: new StoreJobQueue(store, { ...options, now: () => now }) });
      return { ...handle(), reopen: async () => handle(), wait: async (ms) => void (now += ms), now: () => now };
    },
    async cleanup() {
      for (const close of closers.splice(0)) close();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
})();

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const postgres: Carrier = (() => {
  const schemas: string[] = [];
  const queues: PgBossJobQueue[] = [];
  return {
    name: 'pg-boss',
    async open(options = {}) {
      const schema = `syncq_${process.pid}_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      const handle = async () => {
        const queue = await PgBossJobQueue.open({ connectionString: PG_URL, schema, ...options, maintenanceIntervalSeconds: false, poolMax: 3 });
        queues.push(queue);
        return { queue: queue as Queue };
      };
      return { ...(await handle()), reopen: handle, wait: sleep, now: Date.now };
    },
    async cleanup() {
      for (const q of queues.splice(0)) await q.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
})();

for (const carrier of [sqlite, postgres]) {
  describe(`the sync job queue on ${carrier.name}`, () => {
    after(() => carrier.cleanup());

    test('the same record and version is queued once, also after its job finished; the duplicate is counted', async () => {
      const { queue: q } = await carrier.open();
      assert.equal((await q.enqueue({ flow: 'f', change: hint('1', '2026-01-01T00:00:00.000Z'), origin: 'poll' })).duplicate, false);
      assert.equal((await q.enqueue({ flow: 'f', change: hint('1', '2026-01-01T00:00:00.000Z'), origin: 'webhook' })).duplicate, true);
      assert.equal((await q.enqueue({ flow: 'f', change: hint('1', '2026-01-01T00:00:01.000Z'), origin: 'poll' })).duplicate, false);
      assert.equal((await q.enqueue({ flow: 'g', change: hint('1', '2026-01-01T00:00:00.000Z'), origin: 'poll' })).duplicate, false, 'another flow is another job');
      assert.deepEqual({ queued: (await q.stats()).queued, dropped: (await q.stats()).duplicatesDropped }, { queued: 3, dropped: 1 });
      const [job] = await q.claim('A', 1, 60_000, ['g']);
      assert.ok(await q.complete(job!.id, 'A'));
      assert.equal((await q.enqueue({ flow: 'g', change: hint('1', '2026-01-01T00:00:00.000Z'), origin: 'webhook' })).duplicate, true, 'done long after its version: still a duplicate');
      assert.deepEqual(await q.stats('g'), { queued: 0, running: 0, done: 1, dead: 0, duplicatesDropped: 1, retries: 0, rearmed: 0 });
      assert.equal((await q.stats()).duplicatesDropped, 2);
    });

    test('one job per record at a time, oldest first; a dead worker\'s lease expires into a retake', async () => {
      const { queue: q, wait } = await carrier.open();
      await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
      await q.enqueue({ flow: 'f', change: hint('1', 'v2'), origin: 'poll' });
      await q.enqueue({ flow: 'f', change: hint('2', 'v1'), origin: 'poll' });
      const a = await q.claim('A', 10, 1_500);
      assert.deepEqual(show(a), ['1@v1', '2@v1']);
      assert.equal((await q.claim('B', 10, 1_500)).length, 0, 'record 1 is held; its next version waits');
      await wait(1_600); // A died without a word
      const b = await q.claim('B', 10, 1_500);
      assert.deepEqual(show(b), ['1@v1', '2@v1']);
      assert.equal(b[0]!.attempts, 2);
      assert.equal(await q.complete(a[0]!.id, 'A'), false, 'the dead owner cannot complete a retaken job');
      assert.equal(await q.complete(b[0]!.id, 'B'), true);
      assert.deepEqual((await q.claim('B', 10, 1_500)).map((j) => j.change.version), ['v2']);
    });

    test('a renewed lease keeps the job; only its owner renews it', async () => {
      const { queue: q, wait } = await carrier.open();
      const { job } = await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
      await q.claim('A', 1, 1_500);
      await wait(1_000);
      assert.equal(await q.renew(job!.id, 'B', 1_500), false, 'not B\'s job');
      assert.equal(await q.renew(job!.id, 'A', 1_500), true);
      await wait(1_000); // past the first lease, within the renewed one
      assert.equal((await q.claim('B', 1, 1_500)).length, 0);
      assert.equal(await q.complete(job!.id, 'A'), true);
      assert.equal(await q.renew(job!.id, 'A', 1_500), false, 'a finished job has no lease');
      assert.equal((await q.get(job!.id))!.status, 'done');
    });

    test('a failed attempt waits its backoff; dead is final', async () => {
      const { queue: q, wait } = await carrier.open();
      const { job } = await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
      await q.claim('A', 1, 10_000);
      assert.equal(await q.fail(job!.id, 'B', { code: 'BACKEND_UNAVAILABLE', message: 'down' }, { delayMs: 2_000 }), null, 'only the holder settles it');
      const retried = await q.fail(job!.id, 'A', { code: 'BACKEND_UNAVAILABLE', message: 'down' }, { delayMs: 2_000 });
      assert.deepEqual({ status: retried!.status, attempts: retried!.attempts, lastError: retried!.lastError }, { status: 'queued', attempts: 1, lastError: { code: 'BACKEND_UNAVAILABLE', message: 'down' } });
      assert.equal((await q.claim('A', 1, 10_000)).length, 0);
      await wait(2_100);
      const [again] = await q.claim('A', 1, 10_000);
      assert.equal(again!.attempts, 2);
      await q.fail(job!.id, 'A', { code: 'BACKEND_UNAVAILABLE', message: 'down' }, 'dead');
      await wait(2_100);
      assert.equal((await q.claim('A', 1, 10_000)).length, 0);
      assert.deepEqual({ dead: (await q.stats()).dead, retries: (await q.stats()).retries }, { dead: 1, retries: 1 });
      assert.deepEqual((await q.list({ status: 'dead' })).map((j) => j.id), [job!.id]);
      assert.equal(await q.complete(job!.id, 'A'), false, 'dead is final');
    });

    test('a retry waiting its backoff keeps the record\'s later versions behind it', async () => {
      const { queue: q, wait } = await carrier.open();
      const { job } = await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
      await q.enqueue({ flow: 'f', change: hint('1', 'v2'), origin: 'poll' });
      await q.claim('A', 5, 10_000);
      await q.fail(job!.id, 'A', { code: 'BACKEND_UNAVAILABLE', message: 'down' }, { delayMs: 1_000 });
      assert.deepEqual(await q.claim('A', 5, 10_000), [], 'v2 does not overtake v1');
      await wait(1_100);
      assert.deepEqual(show(await q.claim('A', 5, 10_000)), ['1@v1']);
    });

    test('a finished job that may have read the record before a second write of the same second runs again; a later one does not', async () => {
      const { queue: q, wait, now } = await carrier.open({ settleMs: 1_000 });
      const version = new Date(now() - 200).toISOString(); // the job runs about 200 ms into its version
      await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'poll' });
      const [job] = await q.claim('A', 1, 10_000);
      await q.complete(job!.id, 'A');
      await wait(1_100);
      const rearmed = await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'webhook' });
      assert.equal(rearmed.duplicate, false, 'ran within the settle time of its version: run again');
      assert.deepEqual({ id: rearmed.job!.id, status: rearmed.job!.status, origin: rearmed.job!.origin, attempts: rearmed.job!.attempts }, { id: job!.id, status: 'queued', origin: 'webhook', attempts: 0 });
      assert.equal((await q.stats()).rearmed, 1);
      const [again] = await q.claim('A', 1, 10_000);
      await q.complete(again!.id, 'A');
      assert.equal((await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'poll' })).duplicate, true, 'ran well after its version: a true duplicate');
    });

    test('two workers over one backlog of 200 jobs on 20 records: each job runs once, each record in version order, both work', async () => {
      const opened = await carrier.open();
      const second = await opened.reopen();
      const versions = 10;
      for (let v = 0; v < versions; v++) {
        for (let r = 0; r < 20; r++) await opened.queue.enqueue({ flow: 'f', change: hint(String(r), `2026-01-01T00:00:${String(v).padStart(2, '0')}.000Z`), origin: 'poll' });
      }
      const applied: string[] = [];
      const completedBy = new Map<string, string>();
      const running = new Set<string>();
      const worker = async (name: string, q: Queue) => {
        // Until the backlog is drained (bounded: a lost job fails the count below instead of hanging).
        for (let round = 0; completedBy.size < 200 && round < 2_000; round++) {
          const jobs = await q.claim(name, 4, 60_000, ['f']);
          if (jobs.length === 0) {
            await sleep(5);
            continue;
          }
          for (const job of jobs) {
            assert.ok(!running.has(job.orderingKey), `two jobs of ${job.orderingKey} ran at once`);
            running.add(job.orderingKey);
            await sleep(Math.random() * 3); // the apply, yielding to the other worker
            applied.push(`${job.change.recordId}@${job.change.version}`);
            running.delete(job.orderingKey);
            assert.equal(await q.complete(job.id, name), true);
            assert.ok(!completedBy.has(job.id), `job ${job.id} completed twice`);
            completedBy.set(job.id, name);
          }
        }
      };
      await Promise.all([worker('A', opened.queue), worker('B', second.queue)]);
      assert.equal(applied.length, 200);
      assert.equal(new Set(applied).size, 200, 'every job once');
      for (let r = 0; r < 20; r++) {
        const seen = applied.filter((a) => a.startsWith(`${r}@`)).map((a) => a.split('@')[1]!);
        assert.deepEqual(seen, [...seen].sort(), `record ${r} in version order`);
        assert.equal(seen.length, versions);
      }
      const share = [...completedBy.values()].reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<string, number>());
      assert.ok((share.get('A') ?? 0) > 0 && (share.get('B') ?? 0) > 0, `both workers took jobs: ${JSON.stringify([...share])}`);
      assert.deepEqual(await opened.queue.stats(), { queued: 0, running: 0, done: 200, dead: 0, duplicatesDropped: 0, retries: 0, rearmed: 0 });
    });
  });
}

/** What pg-boss's maintenance does to a finished job after archiveCompletedAfterSeconds (12 h), without the wait. */
async function archiveNow(q: PgBossJobQueue, jobId: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`UPDATE ${q.schema}.job SET completed_on = now() - interval '13 hours' WHERE id = $1`, [jobId]);
  } finally {
    await client.end();
  }
  await q.boss.maintain();
}

describe('pg-boss carries what it can', () => {
  after(() => postgres.cleanup());

  test('its own expiry (maintenance) hands an expired job back, and the next claim takes it', async () => {
    const { queue } = await postgres.open();
    const q = queue as unknown as PgBossJobQueue;
    const { job } = await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
    await q.claim('A', 1, 300);
    await sleep(400);
    await q.boss.expire();
    const handed = await q.get(job!.id);
    assert.deepEqual({ status: handed!.status, attempts: handed!.attempts }, { status: 'queued', attempts: 1 }, 'pg-boss moved it from active to retry');
    assert.equal(await q.complete(job!.id, 'A'), false, 'the expired owner lost it');
    const [retaken] = await q.claim('B', 1, 60_000);
    assert.deepEqual({ id: retaken!.id, attempts: retaken!.attempts }, { id: job!.id, attempts: 2 });
    assert.equal(await q.complete(job!.id, 'B'), true);
  });

  test('its singleton policy is a unique index: the database refuses a second active job of one record', async () => {
    const { queue } = await postgres.open();
    const q = queue as unknown as PgBossJobQueue;
    await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
    const { job: second } = await q.enqueue({ flow: 'f', change: hint('1', 'v2'), origin: 'poll' });
    await q.claim('A', 5, 60_000);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await assert.rejects(client.query(`UPDATE ${q.schema}.job SET state = 'active' WHERE id = $1`, [second!.id]), { code: '23505' });
    } finally {
      await client.end();
    }
  });

  test('a duplicate is still refused after pg-boss archived its job', async () => {
    const { queue } = await postgres.open();
    const q = queue as unknown as PgBossJobQueue;
    const { job } = await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
    await q.claim('A', 1, 60_000);
    await q.complete(job!.id, 'A');
    await archiveNow(q, job!.id);
    assert.equal((await q.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' })).duplicate, true);
    assert.equal((await q.get(job!.id))!.status, 'done', 'read back from the archive');
    assert.equal((await q.stats()).done, 1);
  });

  test('a rearm of a job pg-boss archived sends it again under the same key', async () => {
    const { queue } = await postgres.open({ settleMs: 60_000 });
    const q = queue as unknown as PgBossJobQueue;
    const version = new Date(Date.now() - 200).toISOString();
    const { job } = await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'poll' });
    await q.claim('A', 1, 60_000);
    await q.complete(job!.id, 'A');
    await archiveNow(q, job!.id);
    const again = await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'webhook' });
    assert.equal(again.duplicate, false);
    assert.notEqual(again.job!.id, job!.id);
    assert.deepEqual(show(await q.claim('B', 5, 60_000)), [`1@${version}`]);
    assert.equal((await q.enqueue({ flow: 'f', change: hint('1', version), origin: 'poll' })).duplicate, true, 'the key now names the new job');
    assert.equal((await q.stats()).rearmed, 1);
  });
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

describe('the carrier follows STORE_URL', () => {
  const schema = `syncq_${process.pid}_sel`;
  after(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  });

  test('without STORE_URL the store\'s own queue; with it pg-boss, where a replay queued by the writes subgraph reaches a worker', async () => {
    const store = openStore(':memory:');
    try {
      const embedded = await openJobQueue({ STORE_PATH: ':memory:' }, { store });
      assert.equal(embedded.carrier, 'store');
      assert.ok(embedded.queue instanceof StoreJobQueue);
      const config = loadJobQueueConfig({ SYNC_QUEUE_SCHEMA: schema });
      const writes = await openJobQueue({ STORE_URL: PG_URL }, { store, config });
      const worker = await openJobQueue({ STORE_URL: PG_URL }, { store, config, maxAttempts: 3 });
      try {
        assert.deepEqual([writes.carrier, worker.carrier], ['pg-boss', 'pg-boss']);
        const { job } = await writes.queue.enqueue({ flow: 'f', change: hint('9', 'v1'), origin: 'replay', maxAttempts: 1, exceptionId: '42', dedupeSuffix: 'replay:x' });
        const [claimed] = await worker.queue.claim('W', 5, 60_000);
        assert.deepEqual({ id: claimed!.id, origin: claimed!.origin, maxAttempts: claimed!.maxAttempts, exceptionId: claimed!.exceptionId }, { id: job!.id, origin: 'replay', maxAttempts: 1, exceptionId: '42' });
      } finally {
        await writes.close();
        await worker.close();
      }
    } finally {
      store.close();
    }
  });

  test('replicas starting at once, while another migration holds node-pg-migrate\'s lock, all open the queue', async () => {
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    const replicas: PgBossJobQueue[] = [];
    try {
      // node-pg-migrate's lock id (runner.js PG_MIGRATE_LOCK_ID), as the store's migration holds it.
      await holder.query('SELECT pg_advisory_lock(7241865325823964)');
      const config = { SYNC_QUEUE_SCHEMA: `${schema}_race` };
      const store = openStore(':memory:');
      try {
        const opened = await Promise.all([1, 2, 3].map(() => openJobQueue({ STORE_URL: PG_URL }, { store, config })));
        replicas.push(...opened.map((o) => o.queue as PgBossJobQueue));
        await opened[0]!.queue.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' });
        assert.equal((await opened[2]!.queue.stats()).queued, 1);
      } finally {
        store.close();
      }
    } finally {
      for (const r of replicas) await r.close();
      await holder.query(`DROP SCHEMA IF EXISTS ${schema}_race CASCADE`);
      await holder.end();
    }
  });

  test('with STORE_MIGRATE=0 a replica only checks the queue\'s schema: refused until the owner migrated it', async () => {
    const config = { SYNC_QUEUE_SCHEMA: `${schema}_owned` };
    const store = openStore(':memory:');
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    try {
      await assert.rejects(openJobQueue({ STORE_URL: PG_URL, STORE_MIGRATE: false }, { store, config }), { code: 'STORE_UNAVAILABLE' });
      await migrateJobQueue(PG_URL, config.SYNC_QUEUE_SCHEMA);
      const replica = await openJobQueue({ STORE_URL: PG_URL, STORE_MIGRATE: false }, { store, config });
      try {
        assert.equal((await replica.queue.enqueue({ flow: 'f', change: hint('1', 'v1'), origin: 'poll' })).duplicate, false);
      } finally {
        await replica.close();
      }
      await holder.query(`DELETE FROM ${config.SYNC_QUEUE_SCHEMA}.sync_queue_migrations`);
      await assert.rejects(openJobQueue({ STORE_URL: PG_URL, STORE_MIGRATE: false }, { store, config }), { code: 'STORE_UNAVAILABLE', message: /not migrated/ });
    } finally {
      store.close();
      await holder.query(`DROP SCHEMA IF EXISTS ${config.SYNC_QUEUE_SCHEMA} CASCADE`);
      await holder.end();
    }
  });

  test('a bad schema name stops start-up naming the variable; an unreachable server names neither URL nor password', async () => {
    assert.throws(() => loadJobQueueConfig({ SYNC_QUEUE_SCHEMA: 'x; DROP TABLE y' }), { code: 'CONFIG_INVALID', message: /SYNC_QUEUE_SCHEMA/ });
    const store = openStore(':memory:');
    try {
      const err = await openJobQueue({ STORE_URL: 'postgres://svc:s3cret-pw@127.0.0.1:1/nowhere' }, { store, config: { SYNC_QUEUE_SCHEMA: schema } }).then(() => null, (e: unknown) => e as Error & { code: string });
      assert.equal(err?.code, 'STORE_UNAVAILABLE');
      assert.doesNotMatch(JSON.stringify({ message: err.message, details: (err as { details?: unknown }).details }), /s3cret|svc@|127\.0\.0\.1:1/);
    } finally {
      store.close();
    }
  });
});

test('backoff grows exponentially with jitter and a ceiling', () => {
  assert.equal(backoffDelayMs(1, 1_000, 60_000, () => 0), 500);
  assert.equal(backoffDelayMs(1, 1_000, 60_000, () => 1), 1_000);
  assert.equal(backoffDelayMs(4, 1_000, 60_000, () => 1), 8_000);
  assert.equal(backoffDelayMs(20, 1_000, 60_000, () => 1), 60_000);
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
