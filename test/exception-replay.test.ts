// Exceptions with replay (R7, R8), through the gateway: a sync job that keeps
// failing is dead-lettered into one exception for its owning team; a replay while
// the fault persists fails again and stays OPEN (one more occurrence); a replay
// after the fault is cleared applies once and resolves it. Only the owning team
// and integration_admin may act, and every action is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';
import { odooNow, skipHistory, syncAll, workerOnStack } from './support/sync.ts';
import type { Worker } from '../worker/server.ts';

const LIST = `query($filter: ExceptionFilter) { integrationExceptions(first: 20, filter: $filter) {
  totalCount edges { node { id team type status code object objectId occurrences attempts replayable payload actor } } } }`;
const REPLAY = 'mutation($id: ID!) { replayException(id: $id) { exception { id status } } }';
const DISCARD = 'mutation($id: ID!, $reason: String!) { discardException(id: $id, reason: $reason) { exception { id status resolution closedBy } } }';

describe('exceptions with replay', () => {
  let stack: TestStack;
  let worker: Worker;
  const admin = { role: 'integration_admin' as const, sub: 'ops-admin' };
  before(async () => {
    stack = await startTestStack();
    worker = workerOnStack(stack);
    await skipHistory(worker);
  });
  after(async () => {
    await worker.stop();
    await stack.close();
  });

  const shippedNotes = () => stack.hubspotSandbox.store.all('notes').filter((n) => n.properties.hs_note_body?.includes(`order:${stack.world.demo.orderId}:shipped:`)).length;
  const donePickings = () => stack.odooSandbox.store.records('stock.picking').filter((p) => p.sale_id === stack.world.demo.orderId && p.state === 'done' && p.picking_type_code === 'outgoing').length;
  let exceptionId = '';

  test('a job that keeps failing becomes one DEAD_LETTER exception for the flow\'s team, not one per attempt', async () => {
    const demo = stack.world.demo;
    const picking = stack.odooSandbox.store.records('stock.picking').find((p) => p.sale_id === demo.orderId && p.state === 'assigned')!;
    await workerOdooWrite(picking.id);
    stack.hubspotSandbox.faults.add({ kind: 'error', status: 503, operation: 'update', objectType: 'deals' });
    await syncAll(worker);
    const res = await stack.query(LIST, { filter: { type: 'DEAD_LETTER' } }, admin);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const rows = res.data.integrationExceptions.edges.map((e: any) => e.node);
    assert.equal(rows.length, 1);
    const e = rows[0];
    assert.equal(e.team, 'ERP_ADMIN');
    assert.equal(e.status, 'OPEN');
    assert.equal(e.actor, 'order-status');
    assert.equal(e.replayable, true);
    assert.equal(e.attempts, 4, 'every attempt counted on the one row');
    assert.equal(JSON.parse(e.payload).change.model, 'stock.picking');
    exceptionId = e.id;
    assert.equal(shippedNotes(), 0, 'the shipment has not arrived');

    async function workerOdooWrite(id: number) {
      await worker.engine.context(worker.flows[0]!, 'test', new AbortController().signal).odoo.call('stock.picking', 'write', { ids: [id], vals: { state: 'done', date_done: odooNow(), carrier_tracking_ref: 'REPLAY-1' } });
    }
  });

  test('another team cannot see or act on it; integration_admin can', async () => {
    const res = await stack.query(REPLAY, { id: exceptionId }, { role: 'finance' });
    assert.equal(res.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const sales = await stack.query(REPLAY, { id: exceptionId }, { role: 'sales_rep' });
    assert.equal(sales.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  test('a replay while the fault persists fails again and stays OPEN with one more occurrence', async () => {
    const res = await stack.query(REPLAY, { id: exceptionId }, admin);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.replayException.exception.status, 'RETRYING');
    const again = await stack.query(REPLAY, { id: exceptionId }, admin);
    assert.equal(again.errors?.[0]?.extensions?.code, 'CONFLICT', 'a second replay cannot queue while one is pending');
    await worker.engine.drain();
    const e = worker.exceptions.get(exceptionId)!;
    assert.equal(e.status, 'OPEN');
    assert.equal(e.occurrences, 2);
    assert.equal(worker.exceptions.query({ teams: null, type: 'DEAD_LETTER' }, { first: 10 }).rows.length, 1, 'still one row');
  });

  test('a replay after the fault is cleared applies once and resolves it', async () => {
    stack.hubspotSandbox.faults.clear();
    const res = await stack.query(REPLAY, { id: exceptionId }, admin);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    await worker.engine.drain();
    assert.equal(worker.exceptions.get(exceptionId)!.status, 'RESOLVED');
    assert.equal(stack.hubspotSandbox.store.get('deals', stack.world.demo.dealHubSpotId)!.properties.odoo_tracking_ref, 'REPLAY-1');
    assert.equal(shippedNotes(), donePickings(), 'one note per shipment done, the replayed one included');
    // Replaying a resolved exception is refused; syncing again adds nothing.
    assert.equal((await stack.query(REPLAY, { id: exceptionId }, admin)).errors?.[0]?.extensions?.code, 'CONFLICT');
    await syncAll(worker);
    assert.equal(shippedNotes(), donePickings());
    const audited = stack.store.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'replayException' AND outcome = 'applied' AND object_id = ?").get(exceptionId) as { n: number };
    assert.equal(audited.n, 2);
  });

  test('the owning team discards an exception with a reason; the list filters by status and object', async () => {
    const e = worker.exceptions.record({
      team: 'FINANCE', type: 'VALIDATION', code: 'BACKEND_VALIDATION', message: 'invoice rejected', object: 'account.move', objectId: '999',
      requestId: 'test-discard', actor: 'invoice', payload: { flow: 'invoice', change: { model: 'account.move', recordId: '999', version: new Date().toISOString() } },
    });
    const empty = await stack.query(DISCARD, { id: e.id, reason: '   ' }, { role: 'finance', sub: 'fin-1' });
    assert.equal(empty.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const res = await stack.query(DISCARD, { id: e.id, reason: 'credit note issued by hand' }, { role: 'finance', sub: 'fin-1' });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(res.data.discardException.exception, { id: e.id, status: 'DISCARDED', resolution: 'credit note issued by hand', closedBy: 'fin-1' });
    const listed = await stack.query(LIST, { filter: { status: 'DISCARDED', object: 'account.move', objectId: '999' } }, { role: 'finance' });
    assert.equal(listed.data.integrationExceptions.totalCount, 1);
  });
});
