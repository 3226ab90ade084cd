// Two sync workers over one pg-boss queue (the carrier STORE_URL selects), with
// the sandboxes behind them: one polls, both drain the backlog at once; every
// job runs once (outcomes counted across both), the order's milestones reach the
// deal once each, and a second round adds nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { PgBossJobQueue } from '../store/pg-boss-queue.ts';
import { createWorker, type Worker } from '../worker/server.ts';
import type { JobOutcome } from '../worker/engine.ts';
import { notesCreated, skipHistory, startSyncWorld, SYNC_TEST_ENGINE, type SyncWorld } from './support/sync.ts';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// The flow the backlog below feeds (the invoice flow would find the demo world's own recent invoices).
const FLOWS = ['order-status'];

describe('two workers share one pg-boss queue', () => {
  const schema = `syncw_${process.pid}_${randomBytes(4).toString('hex')}`;
  let qa: PgBossJobQueue;
  let qb: PgBossJobQueue;
  let w: SyncWorld;
  let second: Worker;

  before(async () => {
    qa = await PgBossJobQueue.open({ connectionString: PG_URL, schema, maintenanceIntervalSeconds: false, poolMax: 3 });
    qb = await PgBossJobQueue.open({ connectionString: PG_URL, schema, maintenanceIntervalSeconds: false, poolMax: 3 });
    w = await startSyncWorld({ worker: { only: FLOWS, queue: qa } });
    second = createWorker({
      odoo: w.odoo, crm: w.crm, store: w.store, only: FLOWS, queue: qb, engine: SYNC_TEST_ENGINE, idempotencyLeaseMs: 1_000, idempotencyWaitMs: 200,
    });
  });

  after(async () => {
    second?.engine.stop();
    await w?.close();
    await qa?.close();
    await qb?.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  });

  const drainBoth = async () => {
    const ran: { worker: string; outcome: JobOutcome }[] = [];
    const loop = async (name: string, worker: Worker) => {
      for (let round = 0; round < 200; round++) {
        const outcomes = await worker.engine.work({ limit: 3 });
        ran.push(...outcomes.map((outcome) => ({ worker: name, outcome })));
        const s = await worker.queue.stats();
        if (s.queued === 0 && s.running === 0) return;
        if (outcomes.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
    };
    await Promise.all([loop('A', w.worker), loop('B', second)]);
    return ran;
  };

  test('one poll, both drain: each job once, the milestones once each', async () => {
    // A backlog of its own: the shipments of a dozen converted orders change (the whole demo
    // world is some 600 jobs, minutes under HubSpot's search limit, proving nothing more).
    const since = new Date(Date.now() - 120_000).toISOString();
    await skipHistory(w.worker);
    const orders = [...new Set(w.hubspotSandbox.store.all('quotes').map((q) => Number(q.properties.odoo_order_id)).filter(Boolean))].slice(0, 12);
    const pickings = w.odooSandbox.store.records('stock.picking').filter((p) => orders.includes(p.sale_id as number)).map((p) => p.id);
    await w.odoo.call('stock.picking', 'write', { ids: pickings, vals: { carrier_tracking_ref: 'SHARED-QUEUE' } });
    let enqueued = 0;
    for (const flow of FLOWS) enqueued += (await w.worker.engine.poll(flow)).enqueued;
    assert.ok(enqueued >= 6, `a backlog to share (${enqueued} jobs)`);
    const ran = await drainBoth();
    const final = ran.filter((r) => r.outcome.result !== 'retry');
    const ids = final.map((r) => r.outcome.job.id);
    assert.equal(new Set(ids).size, ids.length, 'no job settled twice');
    assert.equal(ids.length, enqueued, 'every job settled');
    const stats = await qa.stats();
    assert.equal(stats.done + stats.dead, enqueued);
    assert.deepEqual({ queued: stats.queued, running: stats.running }, { queued: 0, running: 0 });
    const keys = w.hubspotSandbox.store.all('notes').map((n) => /\[sync:([^\]]+)\]/.exec(n.properties.hs_note_body ?? '')?.[1]).filter(Boolean);
    assert.ok(keys.length > 0, 'milestone notes written');
    assert.equal(new Set(keys).size, keys.length, 'no milestone twice');
    assert.equal(keys.length, notesCreated(w), 'every created note is a milestone note');
    const byWorker = new Set(ran.map((r) => r.worker));
    assert.equal(byWorker.size, 2, 'both workers took jobs');

    const settled = notesCreated(w);
    const updates = w.hubspotSandbox.log.count({ operation: 'update' });
    for (const flow of FLOWS) await second.engine.poll(flow, { since });
    await drainBoth();
    assert.equal(notesCreated(w), settled, 'a re-read of the backlog through the other worker writes no note');
    assert.equal(w.hubspotSandbox.log.count({ operation: 'update' }), updates, 'nor any copy');
  });
});
