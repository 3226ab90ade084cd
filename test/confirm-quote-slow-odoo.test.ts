// Exactly once when Odoo is slow (issue 9): a sale.order create that outlasts the
// connector's timeout still commits in Odoo (the sandbox, like Odoo, finishes the
// transaction after the client has gone). A retry must not create a second order,
// a held key answers IN_PROGRESS at once, late drafts are reconciled, and every
// Odoo effect shows in the audit trail exactly once.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { encodeId, odooIdOf } from '../core/ids.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { quoteByNumber } from './support/world.ts';

const CONFIRM = `mutation($q: ID!, $key: String!) { confirmQuote(quoteId: $q, idempotencyKey: $key) { status replayed order { id } } }`;
const AUDIT = `query($id: ID!) { auditLog(first: 100, filter: { objectId: $id }) { edges { node { fields outcome system idempotencyKey after } } } }`;
/** Longer than the test stack's ODOO_TIMEOUT_MS (5 s), well under the gateway's 14 s. */
const SLOW_MS = 7_000;

describe('confirmQuote when Odoo is slower than the connector timeout', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  const ordersOf = (number: string) => stack.odooSandbox.store.records('sale.order').filter((o) => o.client_order_ref === number);
  /** Makes the demo quote confirmable again: no live order, not linked. */
  function reset(): { id: string; owner: string; number: string } {
    const demo = stack.world.demo.approvedQuote;
    const quote = quoteByNumber(stack.world, demo.quoteNumber);
    stack.hubspotSandbox.store.get('quotes', quote.hubspotId)!.properties.odoo_order_id = null;
    for (const o of ordersOf(demo.quoteNumber)) if (o.state !== 'cancel') stack.odooSandbox.store.patch('sale.order', o.id, { state: 'cancel' });
    return { id: quote.id, owner: quote.owner, number: demo.quoteNumber };
  }
  const live = (number: string) => ordersOf(number).filter((o) => o.state !== 'cancel');
  /** The Odoo effects the audit trail shows applied to an order, by their fields, sorted. */
  async function appliedOdooEffects(orderId: string): Promise<string[]> {
    const audit = await stack.query(AUDIT, { id: orderId }, { role: 'integration_admin' });
    return audit.data.auditLog.edges
      .map((e: { node: { fields: string[]; outcome: string; system: string } }) => e.node)
      .filter((n: { outcome: string; system: string }) => n.outcome === 'applied' && n.system === 'odoo')
      .map((n: { fields: string[] }) => n.fields.join())
      .sort();
  }

  test('a slow create and an immediate retry with the same key make exactly one order', async () => {
    const quote = reset();
    const before = ordersOf(quote.number).length;
    await stack.resetCounters();
    stack.odooSandbox.faults.latency(SLOW_MS, { model: 'sale.order', method: 'create', times: 1 });
    const started = Date.now();
    const first = await stack.query(CONFIRM, { q: quote.id, key: 'slow-create-1' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    const retry = await stack.query(CONFIRM, { q: quote.id, key: 'slow-create-1' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    // Whatever the calls answered, let the slow create commit before counting.
    await sleep(Math.max(0, started + SLOW_MS + 500 - Date.now()));
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'create' }), 1, 'one create call');
    assert.equal(ordersOf(quote.number).length - before, 1, 'one order with this quote reference');
    assert.equal(retry.errors, undefined, JSON.stringify(retry.errors));
    assert.equal(retry.data.confirmQuote.status, 'CONFIRMED');
    if (first.data?.confirmQuote) assert.equal(first.data.confirmQuote.order.id, retry.data.confirmQuote.order.id);
    const [order] = live(quote.number);
    assert.equal(order!.state, 'sale');
    assert.equal(retry.data.confirmQuote.order.id, encodeId('Order', 'odoo', order!.id));
    assert.ok(order!.x_integration_attempt, 'the order names the attempt that created it');
  });

  test('a retry while the slow attempt still holds the key answers IN_PROGRESS with retryAfter at once', async () => {
    const quote = reset();
    await stack.resetCounters();
    // Slower than the wait a joining call is allowed (IDEMPOTENCY_WAIT_MS, 8 s).
    stack.odooSandbox.faults.latency(12_000, { model: 'sale.order', method: 'create', times: 1 });
    let firstDone = false;
    const first = stack.query(CONFIRM, { q: quote.id, key: 'slow-create-2' }, { role: 'sales_rep', crmOwnerId: quote.owner }).finally(() => (firstDone = true));
    while (stack.odooSandbox.log.count({ model: 'sale.order', method: 'create' }) === 0) await sleep(50);
    const retry = await stack.query(CONFIRM, { q: quote.id, key: 'slow-create-2' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    assert.equal(firstDone, false, 'answered while the first attempt is still running');
    assert.equal(retry.errors?.[0]?.extensions?.code, 'IN_PROGRESS', JSON.stringify(retry.errors));
    assert.ok(Number(retry.errors![0]!.extensions!.retryAfter) >= 1, 'says when to retry');
    // The first caller may have been answered by the gateway's timeout; the attempt went on regardless.
    await first;
    let again = await stack.query(CONFIRM, { q: quote.id, key: 'slow-create-2' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    for (let tries = 0; again.errors?.[0]?.extensions?.code === 'IN_PROGRESS' && tries < 40; tries++) {
      await sleep(500);
      again = await stack.query(CONFIRM, { q: quote.id, key: 'slow-create-2' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    }
    assert.equal(again.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(again.errors));
    assert.equal(again.data.confirmQuote.order.id, encodeId('Order', 'odoo', live(quote.number)[0]!.id));
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'create' }), 1);
    assert.equal(live(quote.number).length, 1);
  });

  test('the caller hangs up during a slow create: the attempt still learns the order was made, and a retry completes it at once', async () => {
    const quote = reset();
    await stack.resetCounters();
    stack.odooSandbox.faults.latency(3_000, { model: 'sale.order', method: 'create', times: 1 });
    const token = await stack.token({ sub: 'hang-up', roles: ['sales_rep'], crmOwnerId: quote.owner });
    // The CRM card's fetch gives up after a second, while Odoo is still creating the order.
    const requestId = 'hang-up-request-0001';
    const hungUp = fetch(stack.urls.gateway, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: CONFIRM, variables: { q: quote.id, key: 'hang-up-1' } }), signal: AbortSignal.timeout(1_000),
    });
    await assert.rejects(hungUp);
    while (live(quote.number).length === 0) await sleep(100);
    // The abandoned attempt asks Odoo whether its create committed (before, its lookups failed
    // in-process on the aborted request and the attempt held the quote for 120 s).
    const [create] = stack.odooSandbox.log.entries({ model: 'sale.order', method: 'create' });
    const asked = () => stack.odooSandbox.log.entries({ model: 'sale.order', method: 'search_read' }).filter((e) => e.requestId === requestId && e.seq > create!.seq).length;
    for (let waits = 0; asked() === 0 && waits < 100; waits++) await sleep(100);
    assert.ok(asked() > 0, 'the abandoned attempt looked for its order in Odoo');
    // The abandoned attempt finds its order (its lookups reach Odoo) and lets go of the key and the quote;
    // before, every retry answered IN_PROGRESS for Odoo's whole time limit (120 s). A retry that waited on
    // the abandoned attempt is told how it ended (it could not confirm: its caller had gone), which is
    // retryable; the next one completes the order.
    const retryable = (r: { errors?: Array<{ extensions?: { code?: unknown } }> }) => ['IN_PROGRESS', 'BACKEND_UNAVAILABLE'].includes(String(r.errors?.[0]?.extensions?.code));
    let retry = await stack.query(CONFIRM, { q: quote.id, key: 'hang-up-1' }, { role: 'sales_rep', sub: 'hang-up', crmOwnerId: quote.owner });
    for (let tries = 0; retryable(retry) && tries < 4; tries++) {
      await sleep(500);
      retry = await stack.query(CONFIRM, { q: quote.id, key: 'hang-up-1' }, { role: 'sales_rep', sub: 'hang-up', crmOwnerId: quote.owner });
    }
    assert.equal(retry.data?.confirmQuote?.status, 'CONFIRMED', JSON.stringify(retry.errors));
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'create' }), 1, 'one create call');
    assert.equal(live(quote.number).length, 1);
    assert.equal(live(quote.number)[0]!.state, 'sale');
    assert.deepEqual(await appliedOdooEffects(retry.data.confirmQuote.order.id), ['number,quote,lines', 'state'], 'create and confirmation, each once');
  });

  test('a late draft of a timed-out attempt is cancelled, with an exception for ERP admin and an audit entry', async () => {
    const quote = reset();
    const confirmed = await stack.query(CONFIRM, { q: quote.id, key: 'late-draft-1' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    assert.equal(confirmed.data.confirmQuote.status, 'CONFIRMED');
    const demo = stack.world.demo.approvedQuote;
    // What an attempt whose create answered too late leaves behind: a draft with the same quote reference.
    const late = stack.odooSandbox.store.insert('sale.order', {
      name: 'S09101', state: 'draft', partner_id: demo.accountOdooId, company_id: demo.companyId, client_order_ref: demo.quoteNumber,
      origin: demo.quoteNumber, date_order: '2026-11-01 09:00:00', write_date: '2026-11-01 09:00:00', create_date: '2026-11-01 09:00:00',
    });
    const res = await stack.query(CONFIRM, { q: quote.id, key: 'late-draft-2' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.confirmQuote.status, 'CONFIRMED');
    assert.equal(res.data.confirmQuote.order.id, confirmed.data.confirmQuote.order.id, 'the confirmed order stays the quote\'s order');
    assert.equal(stack.odooSandbox.store.records('sale.order').find((o) => o.id === late)!.state, 'cancel', 'the late draft is cancelled');
    assert.deepEqual(live(quote.number).map((o) => o.id), [odooIdOf(confirmed.data.confirmQuote.order.id, 'Order')]);
    const lateId = encodeId('Order', 'odoo', late);
    const ex = await stack.query('{ integrationExceptions(first: 50, filter: { team: ERP_ADMIN }) { edges { node { code objectId message } } } }', {}, { role: 'integration_admin' });
    assert.ok(ex.data.integrationExceptions.edges.some((e: { node: { code: string; objectId: string } }) => e.node.code === 'CROSS_REFERENCE_CONFLICT' && e.node.objectId === lateId), JSON.stringify(ex.data));
    const audit = await stack.query(AUDIT, { id: lateId }, { role: 'integration_admin' });
    const cancels = audit.data.auditLog.edges.filter((e: { node: { fields: string[]; after: string } }) => e.node.fields.join() === 'state' && JSON.parse(e.node.after).state === 'cancel');
    assert.equal(cancels.length, 1, JSON.stringify(audit.data));
  });

  test('an action_confirm that answers too late and commits anyway is audited exactly once, by the retry', async () => {
    const quote = reset();
    await stack.resetCounters();
    stack.odooSandbox.faults.latency(SLOW_MS, { model: 'sale.order', method: 'action_confirm', times: 1 });
    const started = Date.now();
    const first = await stack.query(CONFIRM, { q: quote.id, key: 'slow-confirm-1' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    assert.ok(first.errors?.length, 'the first call learns nothing about its confirmation');
    // The retry comes once the late confirmation has committed in Odoo (how long the first
    // attempt took before sending action_confirm depends on the transport and the machine).
    while (Date.now() < started + 3 * SLOW_MS && !live(quote.number).some((o) => o.state === 'sale')) await sleep(100);
    const retry = await stack.query(CONFIRM, { q: quote.id, key: 'slow-confirm-1' }, { role: 'sales_rep', crmOwnerId: quote.owner });
    assert.equal(retry.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(retry.errors));
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'create' }), 1);
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order', method: 'action_confirm' }), 1, 'confirmed once');
    assert.deepEqual(await appliedOdooEffects(retry.data.confirmQuote.order.id), ['number,quote,lines', 'state'], 'create and confirmation, each once');
  });
});
