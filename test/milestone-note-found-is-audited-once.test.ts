// A milestone note already on the HubSpot deal (with its [sync:<key>] marker) but
// missing from the audit trail — what a worker killed between HubSpot's answer and
// its audit entry leaves — is audited by the run that finds it, and only once: a run
// that finds both the note and its entry (killed after the entry, before the
// milestone's idempotency key was recorded) adds neither a note nor an entry.
// Over the wire: both sandboxes, the real connectors and the worker's engine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { notesCreated, startSyncWorld, type SyncWorld } from './support/sync.ts';

describe('a milestone note found on the deal but not in the trail', () => {
  let w: SyncWorld;
  before(async () => {
    w = await startSyncWorld({ worker: { only: ['order-status'] } });
  });
  after(() => w.close());

  const key = () => `order:${w.world.demo.orderId}:confirmed`;
  const markedNotes = () => w.hubspotSandbox.store.all('notes').filter((n) => n.properties.hs_note_body?.includes(`[sync:${key()}]`));
  // The demo order's job only (a full poll reads the whole demo world): a webhook-like hint, then a drain.
  const syncDemoOrder = async () => {
    const orderId = String(w.world.demo.orderId);
    await w.worker.engine.hint('order-status', { model: 'sale.order', recordId: orderId, version: new Date().toISOString() }, 'cli');
    const outcomes = (await w.worker.engine.drain()).filter((o) => o.job.change.recordId === orderId);
    assert.equal(outcomes.length, 1, 'the order\'s job ran');
    assert.match(outcomes[0]!.result, /^(applied|unchanged)$/, `the order's job succeeded (${outcomes[0]!.error?.code ?? ''})`);
  };
  const noteEntries = async () => (await w.worker.audit.query({ action: 'order-status:note', object: 'Deal', objectId: w.world.demo.dealHubSpotId }, { first: 100 }))
    .entries.filter((e) => (e.after as { note?: string }).note === key());

  test('is audited once by the run that finds it; the note is not written again', async () => {
    // The killed worker's note: created on HubSpot through the connector, nothing recorded here.
    await w.crm.addNote('deal', w.world.demo.dealHubSpotId, { body: `Order ${w.world.demo.orderNumber} confirmed in Odoo. [sync:${key()}]`, at: new Date() }, { requestId: 'killed-worker' });
    assert.deepEqual(await noteEntries(), [], 'not in the trail yet');
    const created = notesCreated(w);

    await syncDemoOrder();

    assert.equal(markedNotes().length, 1, 'the note found is not added again');
    const entries = await noteEntries();
    assert.equal(entries.length, 1, 'the write that happened is in the trail');
    assert.equal(entries[0]!.outcome, 'applied');
    assert.equal(entries[0]!.actor.sub, 'order-status');
  });

  test('a run that finds the note and its entry, its milestone key lost, adds neither', async () => {
    // As if killed after the entry and before the milestone's key was recorded.
    await w.store.sql.run('DELETE FROM idempotency_progress WHERE scope = ? AND key = ?', ['sync:order-status', `milestone:${key()}`]);
    await w.store.sql.run('DELETE FROM idempotency_keys WHERE scope = ? AND key = ?', ['sync:order-status', `milestone:${key()}`]);
    const created = notesCreated(w);
    await syncDemoOrder(); // a new version of the order: its job runs again

    assert.equal(notesCreated(w), created, 'no note written');
    assert.equal(markedNotes().length, 1);
    assert.equal((await noteEntries()).length, 1, 'no second entry');
  });
});
