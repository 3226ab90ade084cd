// The worker's webhook endpoints authenticate their caller and only queue a
// re-read: Odoo's automation-rule call needs the shared secret; HubSpot's needs a
// valid X-HubSpot-Signature-v3 within 5 minutes. Refused calls queue nothing;
// accepted ones queue one job per flow watching the model, deduplicated against
// polls, and the record is then read from its owner, not from the payload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listen } from '../core/http.ts';
import { hubspotSignatureV3 } from '../worker/webhooks.ts';
import type { Flow } from '../worker/flow.ts';
import { createOrderStatusFlow } from '../worker/flows/order-status.ts';
import { startSyncWorld, type SyncWorld } from './support/sync.ts';

const ODOO_SECRET = 'odoo-webhook-secret-0123456789';
const APP_SECRET = 'hubspot-app-secret';

describe('webhook authentication', () => {
  let w: SyncWorld;
  let base: string;
  const seen: string[] = [];
  // A CRM-sourced flow standing in for the customer master flow: records what it is asked to re-read.
  const accounts: Flow = {
    name: 'test-accounts', source: 'crm', models: ['account'], team: 'SALES_OPERATIONS',
    detect: async () => ({ changes: [], drained: true }),
    apply: async (_ctx, change) => {
      seen.push(change.recordId);
      return { outcome: 'unchanged' };
    },
  };
  before(async () => {
    w = await startSyncWorld();
    w.restart({ flows: [createOrderStatusFlow(), accounts], odooWebhookSecret: ODOO_SECRET, hubspotAppSecret: APP_SECRET });
    base = await listen(w.worker.server, 0, '127.0.0.1');
  });
  after(async () => {
    w.worker.server.close();
    await w.close();
  });

  const queued = async () => (await w.worker.queue.stats()).queued;

  test('Odoo: no token or a wrong one is 401 and queues nothing', async () => {
    const body = JSON.stringify({ _action: 'Send Webhook Notification', _model: 'stock.picking', _id: 1 });
    for (const url of [`${base}/webhooks/odoo`, `${base}/webhooks/odoo?token=wrong-secret-0000000000`]) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).errors[0].extensions.code, 'UNAUTHENTICATED');
    }
    assert.equal(await queued(), 0);
  });

  test('Odoo: the shared secret queues one re-read at the version Odoo holds; the same version again is a duplicate', async () => {
    const picking = w.odooSandbox.store.records('stock.picking').find((p) => p.sale_id === w.world.demo.orderId)!;
    const body = JSON.stringify({ _action: 'Send Webhook Notification', _model: 'stock.picking', _id: picking.id, state: 'forged-by-caller' });
    const res = await fetch(`${base}/webhooks/odoo?token=${ODOO_SECRET}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { enqueued: 1, duplicates: 0 });
    const again = await fetch(`${base}/webhooks/odoo?token=${ODOO_SECRET}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.deepEqual(await again.json(), { enqueued: 0, duplicates: 1 });
    assert.equal((await w.worker.queue.stats()).duplicatesDropped, 1);
    const [job] = await w.worker.queue.list({ flow: 'order-status' });
    assert.equal(job!.change.version, new Date(`${String(picking.write_date).replace(' ', 'T')}Z`).toISOString(), 'versioned by what Odoo holds, not by the call');
    const bad = await fetch(`${base}/webhooks/odoo?token=${ODOO_SECRET}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"_model": 5}' });
    assert.equal(bad.status, 400);
  });

  const signed = (body: string, timestamp: number, secret = APP_SECRET) => ({
    'content-type': 'application/json',
    'x-hubspot-request-timestamp': String(timestamp),
    'x-hubspot-signature-v3': hubspotSignatureV3(secret, 'POST', `${base}/webhooks/hubspot`, body, String(timestamp)),
  });

  test('HubSpot: a bad signature or a stale timestamp is 401; a valid one queues a re-read the flow performs', async () => {
    const body = JSON.stringify([{ eventId: 1, subscriptionId: 9, portalId: 62515, occurredAt: Date.now(), subscriptionType: 'company.propertyChange', objectId: 4242, propertyName: 'name', propertyValue: 'forged' }]);
    const before = await queued();
    assert.equal((await fetch(`${base}/webhooks/hubspot`, { method: 'POST', headers: signed(body, Date.now(), 'not-the-secret'), body })).status, 401);
    assert.equal((await fetch(`${base}/webhooks/hubspot`, { method: 'POST', headers: signed(body, Date.now() - 301_000), body })).status, 401);
    assert.equal((await fetch(`${base}/webhooks/hubspot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status, 401);
    // The body changed after signing: refused.
    assert.equal((await fetch(`${base}/webhooks/hubspot`, { method: 'POST', headers: signed(body, Date.now()), body: body.replace('4242', '4243') })).status, 401);
    assert.equal(await queued(), before);

    const ok = await fetch(`${base}/webhooks/hubspot`, { method: 'POST', headers: signed(body, Date.now()), body });
    assert.equal(ok.status, 202);
    assert.deepEqual(await ok.json(), { enqueued: 1, duplicates: 0 });
    await w.worker.engine.drain({ flows: ['test-accounts'] });
    assert.deepEqual(seen, ['4242']);
  });

  test('health and readiness answer without authentication; unknown paths are 404', async () => {
    assert.equal((await fetch(`${base}/health`)).status, 200);
    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 200);
    assert.equal((await ready.json()).ready, true);
    assert.equal((await fetch(`${base}/webhooks/other`, { method: 'POST' })).status, 404);
  });
});
