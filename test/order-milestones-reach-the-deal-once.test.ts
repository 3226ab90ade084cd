// Flow 1 and 4 over the wire: an order confirmed, then shipped, produced and
// invoiced in the Odoo sandbox reaches its HubSpot deal — state, delivery,
// shipment, production and invoice copies — with one note per milestone, counted
// in the HubSpot sandbox's request log, however often the sync runs again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { notesCreated, odooNow, startSyncWorld, syncAll, type SyncWorld } from './support/sync.ts';

describe('order milestones reach the deal exactly once', () => {
  let w: SyncWorld;
  before(async () => {
    // The flows under test; the master-data flows have their own files (and would spend
    // the portal's rate limit on every company and product of the demo world here).
    w = await startSyncWorld({ worker: { only: ['order-status', 'invoice'] } });
  });
  after(() => w.close());

  const deal = () => w.hubspotSandbox.store.get('deals', w.world.demo.dealHubSpotId)!.properties;
  const notesOnDeal = () => w.hubspotSandbox.store.all('notes').filter((n) => n.properties.hs_note_body?.includes(`order:${w.world.demo.orderId}:`));

  test('the first sync writes the order as Odoo has it and one note per milestone reached so far', async () => {
    await syncAll(w.worker);
    const d = deal();
    assert.equal(d.odoo_order_ref, w.world.demo.orderNumber);
    assert.equal(d.odoo_order_state, 'confirmed');
    assert.match(d.odoo_delivery_status ?? '', /^(started|partially_delivered)$/);
    assert.ok(Number(d.odoo_production_progress) < 100);
    assert.equal(d.odoo_payment_state, 'partial');
    const bodies = notesOnDeal().map((n) => n.properties.hs_note_body);
    assert.equal(bodies.filter((b) => b?.includes(':confirmed]')).length, 1);
    assert.equal(bodies.filter((b) => b?.includes(':shipped:')).length, 1, 'the picking already done is one shipped milestone');
    assert.equal((await w.worker.exceptions.query({ teams: null, status: 'OPEN' }, { first: 100 })).rows.filter((e) => e.objectId === String(w.world.demo.orderId)).length, 0);
  });

  test('shipped and produced later arrive once each; running the sync again adds nothing', async () => {
    const orderId = w.world.demo.orderId;
    const before = notesCreated(w);
    const picking = w.odooSandbox.store.records('stock.picking').find((p) => p.sale_id === orderId && p.state === 'assigned')!;
    const mo = w.odooSandbox.store.records('mrp.production').find((m) => m.origin === w.world.demo.orderNumber && m.state === 'progress')!;
    // Through Odoo's own API, so write_date moves as in Odoo.
    await w.odoo.call('stock.picking', 'write', { ids: [picking.id], vals: { state: 'done', date_done: odooNow(), carrier_tracking_ref: 'TRACK-777' } });
    await w.odoo.call('mrp.production', 'write', { ids: [mo.id], vals: { state: 'done', qty_producing: mo.product_qty } });
    await syncAll(w.worker);
    assert.equal(notesCreated(w) - before, 2, 'one shipped and one produced note');
    assert.equal(deal().odoo_tracking_ref, 'TRACK-777');
    assert.equal(deal().odoo_production_progress, '100');

    const settled = notesCreated(w);
    const updates = w.hubspotSandbox.log.count({ operation: 'update', objectType: 'deals' });
    await syncAll(w.worker);
    // A backfill from the beginning re-reads every change: still nothing new.
    for (const f of w.worker.flows) await w.worker.engine.poll(f.name, { since: '2000-01-01T00:00:00Z' });
    await syncAll(w.worker);
    assert.equal(notesCreated(w), settled);
    assert.equal(w.hubspotSandbox.log.count({ operation: 'update', objectType: 'deals' }), updates, 'no copy rewritten with the values it already holds');
    const keys = notesOnDeal().map((n) => /\[sync:([^\]]+)\]/.exec(n.properties.hs_note_body ?? '')?.[1]);
    assert.equal(new Set(keys).size, keys.length, 'no milestone twice');
  });

  test('an invoice posted for the order arrives once, with the open amount', async () => {
    const orderId = w.world.demo.orderId;
    const before = notesCreated(w);
    const [order] = await w.odoo.searchRead('sale.order', [['id', '=', orderId]], ['partner_id', 'company_id', 'currency_id', 'name']);
    const partner = (order!.partner_id as [number, string])[0];
    const [moveId] = await w.odoo.call<number[]>('account.move', 'create', {
      vals_list: [{ move_type: 'out_invoice', partner_id: partner, company_id: (order!.company_id as [number, string])[0], invoice_origin: order!.name, invoice_date_due: '2099-01-01' }],
    });
    w.odooSandbox.store.patch('account.move', moveId!, { state: 'posted', name: 'INV/TEST/0001', amount_total: 1000, amount_residual: 1000, amount_untaxed: 1000, payment_state: 'not_paid', write_date: odooNow() });
    await syncAll(w.worker);
    await syncAll(w.worker);
    const posted = w.hubspotSandbox.store.all('notes').filter((n) => n.properties.hs_note_body?.includes(`[sync:invoice:${moveId}:posted]`));
    assert.equal(posted.length, 1);
    assert.equal(notesCreated(w) - before, 1);
    assert.ok(Number(deal().odoo_open_amount) >= 1000);
  });

  test('every write is in the audit trail under the flow name', async () => {
    const entries = (await w.worker.audit.query({ actor: 'order-status' }, { first: 100 })).entries;
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e) => e.actor.role === 'integration' && e.outcome === 'applied'));
  });
});
