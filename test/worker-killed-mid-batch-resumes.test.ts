// A worker process killed with SIGKILL in the middle of a batch and started again
// on the same store file resumes: nothing lost (a sync run afterwards finds
// nothing left to write), nothing repeated (no milestone note twice, counted in
// the HubSpot sandbox). A real child process, a real kill -9.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { notesCreated, skipHistory, startSyncWorld, syncAll, type SyncWorld } from './support/sync.ts';

const ROOT = resolve(import.meta.dirname, '..');
// The flow whose effects (milestone notes, deal copies) this test counts: the backlog below is
// shipment changes. The other flows' restart behaviour is tested in their own files
// (catalog-push, customer-master-sync, exception-replay).
const FLOWS = ['order-status'];

describe('a worker killed mid-batch resumes without duplicates', () => {
  let w: SyncWorld;
  let dir: string;
  const children: ChildProcess[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sync-kill-'));
    w = await startSyncWorld({ storePath: join(dir, 'store.sqlite') });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...w.env,
        ...w.store.env, WORKER_FLOWS: FLOWS.join(','), WORKER_PORT: '0', WORKER_POLL_MS: '3600000', WORKER_TICK_MS: '100', WORKER_LEASE_MS: '2000',
        WORKER_BACKOFF_BASE_MS: '50', WORKER_BACKOFF_MAX_MS: '200', IDEMPOTENCY_LEASE_MS: '1000', IDEMPOTENCY_WAIT_MS: '100',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    return child;
  }

  // Read through the queue the child shares (the store's own, or pg-boss on Postgres), not its tables.
  const pending = async () => { const s = await w.worker.queue.stats(); return s.queued + s.running; };
  const jobs = async () => { const s = await w.worker.queue.stats(); return s.queued + s.running + s.done + s.dead; };

  test('kill -9 after the first notes, restart, drain: every milestone once', { timeout: 240_000 }, async () => {
    // A backlog of its own: the shipments of a dozen converted orders change (the whole
    // demo world would take minutes under HubSpot's search limit of 4/s, proving nothing more).
    const since = new Date(Date.now() - 120_000).toISOString();
    await skipHistory(w.worker);
    const orders = [...new Set(w.hubspotSandbox.store.all('quotes').map((q) => Number(q.properties.odoo_order_id)).filter(Boolean))].slice(0, 12);
    const pickings = w.odooSandbox.store.records('stock.picking').filter((p) => orders.includes(p.sale_id as number)).map((p) => p.id);
    assert.ok(pickings.length >= 6, 'shipments to change');
    await w.odoo.call('stock.picking', 'write', { ids: pickings, vals: { carrier_tracking_ref: 'KILL-TEST' } });

    const first = startWorker();
    // Wait until it is in the middle of the work: some notes written, jobs still pending.
    for (let i = 0; i < 1_200 && notesCreated(w) < 3; i++) await sleep(50);
    assert.ok(notesCreated(w) >= 3, 'the worker started writing');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    assert.ok((await pending()) > 0, 'killed with work left');
    const atKill = notesCreated(w);

    const second = startWorker();
    let quiet = 0;
    for (let i = 0; i < 2_400 && quiet < 3; i++) {
      await sleep(100);
      quiet = (await jobs()) > 0 && (await pending()) === 0 ? quiet + 1 : 0;
    }
    assert.equal(await pending(), 0, 'the restarted worker finished the queue');
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    assert.ok(notesCreated(w) > atKill, 'the restart went on where the first one stopped');

    const markers = w.hubspotSandbox.store.all('notes').map((n) => /\[sync:([^\]]+)\]/.exec(n.properties.hs_note_body ?? '')?.[1]).filter(Boolean);
    assert.equal(new Set(markers).size, markers.length, 'no milestone note twice');
    assert.equal(markers.length, notesCreated(w), 'every created note is a milestone note');

    // Nothing lost: a sync of everything changed since the backlog began, in this process (same
    // store, wall clock like the child), has nothing left to write.
    const worker = w.restart({ now: () => new Date(), only: FLOWS });
    const notes = notesCreated(w);
    const updates = w.hubspotSandbox.log.count({ operation: 'update' });
    for (const f of worker.flows) await worker.engine.poll(f.name, { since });
    await syncAll(worker);
    assert.equal(notesCreated(w), notes);
    assert.equal(w.hubspotSandbox.log.count({ operation: 'update' }), updates);
  });
});
