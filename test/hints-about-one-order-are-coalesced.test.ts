// A picking, an MO and the order itself each hint at the order. After one poll the
// order-status flow re-reads the order and writes its deal once, not once per hint, and
// looks for the deals of a whole batch's orders in one search (Flow.prefetch):
// HubSpot's search budget (four a second) is what a first sync of many orders spends.
// A hint queued after that run started, one whose version had not settled when it
// started (a second write in the same second may have come after it), and one queued
// by another worker, still run.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { skipHistory, startSyncWorld, type SyncWorld } from './support/sync.ts';

describe('hints about one order are coalesced', () => {
  let w: SyncWorld;
  let pickings: number[];
  before(async () => {
    w = await startSyncWorld({ worker: { only: ['order-status'] } });
    pickings = w.odooSandbox.store.records('stock.picking').filter((p) => p.sale_id === w.world.demo.orderId && p.picking_type_code === 'outgoing').map((p) => p.id as number);
  });
  after(() => w.close());

  const quoteSearches = () => w.hubspotSandbox.log.count({ operation: 'search', objectType: 'quotes' });
  /** Reads of sale.order in Odoo: one per run of the order (a job whose hint was covered reads none). */
  const orderReads = () => w.odooSandbox.log.count({ model: 'sale.order' });
  const deal = () => w.hubspotSandbox.store.get('deals', w.world.demo.dealHubSpotId)!.properties;
  /** Changes every outgoing picking of the demo order and the order itself, through Odoo's API (write_date moves). */
  async function changeOrder(tracking: string): Promise<void> {
    await w.odoo.call('stock.picking', 'write', { ids: pickings, vals: { carrier_tracking_ref: tracking } });
    await w.odoo.call('sale.order', 'write', { ids: [w.world.demo.orderId], vals: { client_order_ref: tracking } });
  }
  async function poll() {
    for (const f of w.worker.flows) await w.worker.engine.poll(f.name);
  }

  test('a run that started before the hints\' version settled covers none of them: every job runs', async () => {
    assert.ok(pickings.length >= 2, `the demo order ships in ${pickings.length} pickings`);
    await skipHistory(w.worker);
    await changeOrder('COALESCE-0');
    await poll();
    const [before, readsBefore] = [quoteSearches(), orderReads()];
    const outcomes = await w.worker.engine.drain();
    assert.equal(outcomes.length, pickings.length + 1);
    assert.equal(orderReads() - readsBefore, pickings.length + 1, 'each job re-read the order');
    assert.equal(quoteSearches() - before, 1, 'the deal was looked for once, for the whole batch (Flow.prefetch)');
    assert.equal(deal().odoo_tracking_ref, 'COALESCE-0');
  });

  test('the order and its pickings changed: a job each, one re-read of the order, one search for its deal', async () => {
    await skipHistory(w.worker);
    await changeOrder('COALESCE-1');
    // Past the versions' settle window (Odoo's write_date has one-second steps; plus clock skew).
    await sleep(w.worker.queue.settleMs + 1_000);
    await poll();
    const [before, readsBefore] = [quoteSearches(), orderReads()];
    const outcomes = await w.worker.engine.drain();
    assert.equal(outcomes.length, pickings.length + 1, 'every hint is a job, and every job completes');
    assert.equal(orderReads() - readsBefore, 1, 'one re-read of the order');
    assert.ok(outcomes.every((o) => o.result === 'applied' || o.result === 'unchanged'), JSON.stringify(outcomes.map((o) => o.result)));
    assert.equal(outcomes.filter((o) => o.result === 'applied').length, 1, 'the first job to run wrote the deal');
    assert.equal(quoteSearches() - before, 1, 'one search for the deal, not one per hint');
    assert.equal(deal().odoo_tracking_ref, 'COALESCE-1');
  });

  test('a hint queued after the order was re-read runs', async () => {
    const readsBefore = orderReads();
    await w.worker.engine.hint('order-status', { model: 'stock.picking', recordId: String(pickings[0]), version: new Date().toISOString() }, 'webhook');
    const outcomes = await w.worker.engine.drain();
    assert.equal(outcomes.length, 1);
    assert.equal(orderReads() - readsBefore, 1, 'read again: it may report a change the earlier run could not see');
  });

  test('a read-ahead that fails costs searches, not correctness: the jobs look for the deal themselves', async () => {
    await skipHistory(w.worker);
    await changeOrder('COALESCE-PREFETCH');
    await sleep(w.worker.queue.settleMs + 1_000);
    await poll();
    const before = quoteSearches();
    w.hubspotSandbox.faults.add({ kind: 'error', status: 500, objectType: 'quotes', operation: 'search', times: 2 });
    const outcomes = await w.worker.engine.drain();
    w.hubspotSandbox.faults.clear();
    assert.equal(outcomes.length, pickings.length + 1);
    assert.ok(outcomes.every((o) => o.result === 'applied' || o.result === 'unchanged'), JSON.stringify(outcomes.map((o) => o.result)));
    assert.equal(quoteSearches() - before, 3, 'the read-ahead (sent twice), then the first job\'s own search');
    assert.equal(deal().odoo_tracking_ref, 'COALESCE-PREFETCH');
  });

  test('jobs another worker queued always run', async () => {
    await skipHistory(w.worker);
    await changeOrder('COALESCE-2');
    await poll();
    // This worker stops; another one (another process, as far as coalescing knows) drains the queue.
    const other = w.restart();
    const readsBefore = orderReads();
    const outcomes = await other.engine.drain();
    assert.equal(outcomes.length, pickings.length + 1);
    assert.equal(orderReads() - readsBefore, pickings.length + 1, 'no run of this worker covers hints it did not queue');
    assert.equal(deal().odoo_tracking_ref, 'COALESCE-2');
  });
});
