// A worker's claimed batch stays its own until each job starts (worker/engine.ts work()):
// with a lease shorter than the batch's first job, a second worker claiming meanwhile
// gets none of the batch's waiting jobs, and every job runs exactly once. Before, only
// the running job was renewed, so the tail of a slow batch expired and the second
// worker ran it as well (seen in test/several-replicas.test.ts under load). Runs on the
// embedded SQLite queue and on pg-boss (a fresh schema on the local PostgreSQL, dropped).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { AuditTrail, ExceptionQueue, IdempotencyStore, openStore, StoreCursorStore, StoreJobQueue, type JobQueue } from '../store/index.ts';
import { PgBossJobQueue } from '../store/pg-boss-queue.ts';
import { createLogger } from '../core/logger.ts';
import { SyncEngine } from '../worker/engine.ts';
import type { Flow } from '../worker/flow.ts';
import type { OdooClient } from '../connectors/odoo/odoo-client.ts';
import type { CrmPort } from '../connectors/crm/port.ts';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LEASE_MS = 1_000; // WORKER_LEASE_MS's minimum (worker/config.ts)
const FIRST_JOB_MS = 3 * LEASE_MS;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// The flow below touches no backend; the engine only hands these to its context.
const noBackend = { forRequest() { return this; } };

interface Carrier {
  name: string;
  /** Two handles on one queue: the engine's and the other worker's. */
  open(): Promise<{ mine: JobQueue; other: JobQueue }>;
  cleanup(): Promise<void>;
}

const sqliteStore = openStore(':memory:');
const sqlite: Carrier = {
  name: 'sqlite',
  async open() {
    return { mine: new StoreJobQueue(sqliteStore, { settleMs: 0 }), other: new StoreJobQueue(sqliteStore, { settleMs: 0 }) };
  },
  async cleanup() {},
};

const pgBoss: Carrier = (() => {
  const schema = `batchlease_${process.pid}_${randomBytes(4).toString('hex')}`;
  const queues: PgBossJobQueue[] = [];
  const open = async () => {
    const q = await PgBossJobQueue.open({ connectionString: PG_URL, schema, settleMs: 0, maintenanceIntervalSeconds: false, poolMax: 3 });
    queues.push(q);
    return q;
  };
  return {
    name: 'pg-boss',
    async open() {
      const mine = await open();
      return { mine, other: await open() };
    },
    async cleanup() {
      for (const q of queues.splice(0)) await q.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
})();

after(() => sqliteStore.close());

for (const carrier of [sqlite, pgBoss]) {
  describe(`a worker's claimed batch on ${carrier.name}`, () => {
    after(() => carrier.cleanup());

    test('keeps its lease while its first job outlasts it: the other worker gets none of it, each job runs once', async () => {
      const { mine, other } = await carrier.open();
      const runs: string[] = [];
      let firstStarted!: () => void;
      const slowJobRunning = new Promise<void>((r) => (firstStarted = r));
      const flow: Flow = {
        name: 'slow-first', source: 'odoo', models: ['sale.order'], team: 'ERP_ADMIN',
        async detect() { return { changes: [], drained: true }; },
        async apply(_ctx, change) {
          runs.push(`mine:${change.recordId}`);
          if (change.recordId === '1') {
            firstStarted();
            await sleep(FIRST_JOB_MS);
          }
          return { outcome: 'applied' };
        },
      };
      const engine = new SyncEngine({
        flows: [flow], odoo: noBackend as unknown as OdooClient, crm: noBackend as unknown as CrmPort, queue: mine,
        cursors: new StoreCursorStore(sqliteStore), exceptions: new ExceptionQueue(sqliteStore), audit: new AuditTrail(sqliteStore),
        idempotency: new IdempotencyStore(sqliteStore), logger: createLogger('batch-lease-test'),
        owner: 'worker-A', options: { leaseMs: LEASE_MS, batchSize: 10 },
      });
      for (const id of ['1', '2', '3']) {
        const r = await mine.enqueue({ flow: flow.name, change: { model: 'sale.order', recordId: id, version: '2026-01-01T00:00:00.000Z' }, origin: 'poll' });
        assert.equal(r.duplicate, false);
      }

      // Once A's slow job runs, the other worker claims every 100 ms and runs what it gets.
      let working = true;
      let claimRounds = 0;
      const stolen = (async () => {
        await slowJobRunning;
        while (working) {
          claimRounds++;
          for (const job of await other.claim('worker-B', 10, LEASE_MS, [flow.name])) {
            runs.push(`other:${job.change.recordId}`);
            await other.complete(job.id, 'worker-B');
          }
          await sleep(100);
        }
      })();
      const outcomes = await engine.work();
      working = false;
      await stolen;

      assert.equal(runs[0], 'mine:1', 'the slow job is the batch\'s first: the rest of the batch waits behind it');
      assert.ok(claimRounds >= FIRST_JOB_MS / 200, `the other worker kept claiming during the slow job (${claimRounds} rounds)`);
      assert.deepEqual(runs.filter((r) => r.startsWith('other:')), [], 'the other worker took none of the batch');
      assert.deepEqual(runs.sort(), ['mine:1', 'mine:2', 'mine:3'], 'each job ran once');
      assert.deepEqual(outcomes.map((o) => `${o.job.change.recordId}:${o.result}`).sort(), ['1:applied', '2:applied', '3:applied']);
      assert.deepEqual(await other.claim('worker-B', 10, LEASE_MS, [flow.name]), [], 'nothing is left to run');
    });
  });
}
