// Several replicas of every component, as real processes over one shared store
// (issue 14, "Several replicas, tested"): two gateways, two instances of each
// subgraph, two sync workers, one Odoo and one HubSpot sandbox
// (test/support/replicas.ts). Every claim is counted in the sandboxes' own state
// and request logs, or in the audit trail read through the gateway — never timed.
//
// Shared state: the embedded SQLite file by default; TEST_STORE=postgres runs the
// same file on PostgreSQL and Redis (the cache case runs only there).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeId } from '../core/ids.ts';
import { openStoreFromEnv, StoreCursorStore } from '../store/index.ts';
import { createFlows } from '../worker/flows/index.ts';
import { startReplicas, type Replicas } from './support/replicas.ts';
import type { Caller, GraphQLResponse } from './support/stack.ts';
import { companyOwner } from './support/world.ts';

/** Requests per window the bi_reader role gets here; the case sends more than twice as many. */
const RATE_LIMIT = 8;

const CREATE = 'mutation($input: QuoteCreateInput!, $key: String!) { createQuote(input: $input, idempotencyKey: $key) { quote { id } } }';
const APPROVE = 'mutation($q: ID!, $key: String!) { approveQuote(quoteId: $q, idempotencyKey: $key) { quote { status number } } }';
const CONFIRM = 'mutation($q: ID!, $key: String!) { confirmQuote(quoteId: $q, idempotencyKey: $key) { status replayed order { id number } } }';
const AUDIT = `query($after: String, $filter: AuditLogFilter) {
  auditLog(first: 100, after: $after, filter: $filter) { pageInfo { hasNextPage endCursor } edges { node { action system object objectId fields after outcome } } }
}`;

interface AuditRow { action: string; system: string; object: string; objectId: string; fields: string[]; after: string; outcome: string }

/**
 * The sync engine reads each change stream from its stored cursor; a fresh store has none,
 * so the first poll would replay the whole demo world. The cursors start a minute ago:
 * the workers see what the test changes. (The store API is the one the worker uses.)
 */
async function syncFromNow(env: Record<string, string>): Promise<void> {
  const { store } = await openStoreFromEnv(env);
  try {
    const cursors = new StoreCursorStore(store);
    const version = new Date(Date.now() - 60_000).toISOString();
    for (const flow of createFlows()) for (const model of flow.models) await cursors.set(flow.name, model, { version, id: '' });
  } finally {
    await store.close();
  }
}

const markerOf = (body: string | null | undefined) => /\[sync:([^\]]+)\]/.exec(body ?? '')?.[1] ?? null;
const orderOfMarker = (marker: string) => Number(/^order:(\d+):/.exec(marker)?.[1] ?? NaN);

describe('several replicas of every component over one shared store', () => {
  let r: Replicas;
  let rep: Caller;
  const ops: Caller = { role: 'sales_ops', sub: 'replicas-ops' };
  const admin: Caller = { role: 'integration_admin', sub: 'replicas-admin' };
  let failed = false;

  /** Runs a case; on failure prints every component's output tail once. */
  const scenario = (name: string, fn: () => Promise<void>, opts: { skip?: string } = {}) =>
    test(name, { timeout: 120_000, ...(opts.skip ? { skip: opts.skip } : {}) }, async () => {
      try {
        await fn();
      } catch (e) {
        if (!failed) console.error(r.logs());
        failed = true;
        throw e;
      }
    });

  before(async () => {
    r = await startReplicas({
      kindEnv: { gateway: { GATEWAY_RATE_LIMITS: `bi_reader=${RATE_LIMIT}`, GATEWAY_RATE_LIMIT_WINDOW_S: '3600' } },
      prepare: syncFromNow,
    });
    const account = r.world.demo.approvedQuote.accountHubSpotId;
    rep = { role: 'sales_rep', crmOwnerId: companyOwner(r.world, account), sub: 'replicas-rep' };
  });
  after(async () => {
    await r?.close();
  });

  // ---- helpers over the wire ------------------------------------------------

  let quoteSeq = 0;
  /**
   * A quote the rep creates and sales ops approves, through the gateways, valid today by the
   * wall clock (components started alone run on it): the demo approved quote's products,
   * one of each at its quoted price, no discount, no requested date.
   */
  async function approvedQuote(tag: string): Promise<{ id: string; number: string }> {
    // Alternate gateways: quotes made through either replica set are the same to confirm.
    const via = ++quoteSeq % 2;
    const demo = r.world.demo.approvedQuote;
    const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const created = await r.query(via, CREATE, {
      key: `replicas-create-${tag}`,
      input: {
        account: encodeId('Account', 'crm', demo.accountHubSpotId), title: `Replicas ${tag}`, currency: 'EUR', validUntil,
        lines: demo.lines.map((l) => ({ sku: l.sku, quantity: 1, unitPrice: l.price, discount: 0 })),
      },
    }, rep);
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const id = created.data.createQuote.quote.id as string;
    const approved = await r.query(via, APPROVE, { q: id, key: `replicas-approve-${tag}` }, ops);
    assert.equal(approved.errors, undefined, JSON.stringify(approved.errors));
    assert.equal(approved.data.approveQuote.quote.status, 'APPROVED');
    return { id, number: approved.data.approveQuote.quote.number };
  }

  /** Every audit entry matching `filter`, through gateway-2 (writes-subgraph-1 is the one the kill case stops). */
  async function audit(filter: Record<string, string>): Promise<AuditRow[]> {
    const rows: AuditRow[] = [];
    let cursor: string | null = null;
    do {
      const res: GraphQLResponse = await r.query(1, AUDIT, { after: cursor, filter }, admin);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      rows.push(...res.data.auditLog.edges.map((e: { node: AuditRow }) => e.node));
      cursor = res.data.auditLog.pageInfo.hasNextPage ? res.data.auditLog.pageInfo.endCursor : null;
    } while (cursor);
    return rows;
  }

  /** The sale.orders Odoo holds for a quote number, cancelled ones included. */
  const ordersOfQuote = (number: string) =>
    r.odoo.searchRead('sale.order', [['client_order_ref', '=', number]], ['name', 'state'], {}, { context: { active_test: false } });

  /** Odoo's own log: creates of an order for `number`, and action_confirm calls on `orderId`. */
  async function odooWritesFor(number: string, orderId: number) {
    const creates = (await r.odooRequests({ model: 'sale.order', method: 'create' }))
      .filter((e) => JSON.stringify(e.params ?? {}).includes(`"client_order_ref":"${number}"`));
    const confirms = (await r.odooRequests({ model: 'sale.order', method: 'action_confirm' })).filter((e) => e.ids?.includes(orderId));
    return { creates: creates.length, confirms: confirms.length };
  }

  /** The milestones Odoo shows for these orders (what the order-status flow must leave once each on their deals). */
  async function milestonesOf(orderIds: number[]): Promise<Set<string>> {
    const orders = await r.odoo.searchRead('sale.order', [['id', 'in', orderIds]], ['state', 'mrp_production_ids']);
    const pickings = await r.odoo.searchRead('stock.picking', [['sale_id', 'in', orderIds], ['picking_type_code', '=', 'outgoing'], ['state', '=', 'done']], ['sale_id']);
    const moIds = orders.flatMap((o) => (o.mrp_production_ids as number[] | false) || []);
    const mos = moIds.length ? await r.odoo.searchRead('mrp.production', [['id', 'in', moIds], ['state', '=', 'done']], ['id']) : [];
    const out = new Set<string>();
    for (const o of orders) {
      if (o.state === 'sale') out.add(`order:${o.id}:confirmed`);
      for (const mo of mos) if (((o.mrp_production_ids as number[] | false) || []).includes(mo.id as number)) out.add(`order:${o.id}:produced:${mo.id}`);
    }
    for (const p of pickings) out.add(`order:${(p.sale_id as [number, string])[0]}:shipped:${p.id}`);
    return out;
  }

  /** Milestone markers of every note in HubSpot, with how often each occurs. */
  async function noteMarkers(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const n of await r.hubspotList('notes', ['hs_note_body'])) {
      const m = markerOf(n.properties.hs_note_body);
      if (m) counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    return counts;
  }

  /** Waits until the shared queue is empty (`quiet` polls in a row) and every expected marker is in HubSpot. */
  async function settle(expected: () => Promise<Set<string>>, worker = 1): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < 600 && quiet < 3; i++) {
      await sleep(200);
      const { total } = await r.workerStats(worker);
      const markers = await noteMarkers();
      const want = await expected();
      const missing = [...want].filter((m) => !markers.has(m));
      quiet = total.queued === 0 && total.running === 0 && missing.length === 0 ? quiet + 1 : 0;
    }
    assert.equal(quiet, 3, 'the workers did not finish the backlog');
  }

  /** The converted orders (a CRM quote names them) in state sale, with their outgoing shipments, oldest first. */
  function convertedOrders(): Array<{ id: number; pickings: number[] }> {
    const converted = new Set(r.world.hubspot.objects.quotes.map((q) => Number(q.properties.odoo_order_id)).filter(Boolean));
    const pickings = (r.world.odoo.records['stock.picking'] ?? []).filter((p) => p.picking_type_code === 'outgoing');
    return (r.world.odoo.records['sale.order'] ?? [])
      .filter((o) => converted.has(o.id) && o.state === 'sale')
      .sort((a, b) => a.id - b.id)
      .map((o) => ({ id: o.id, pickings: pickings.filter((p) => p.sale_id === o.id).map((p) => p.id) }))
      .filter((o) => o.pickings.length > 0);
  }

  /** Sync request ids the HubSpot sandbox saw (`sync-<job>-<attempt>`), from log position `from` on. */
  async function syncAttempts(from: number): Promise<Map<string, number[]>> {
    const byJob = new Map<string, number[]>();
    for (const e of await r.hubspotRequests()) {
      const m = e.seq > from ? /^sync-(.+)-(\d+)$/.exec(e.requestId ?? '') : null;
      if (!m) continue;
      const list = byJob.get(m[1]!) ?? [];
      if (!list.includes(Number(m[2]))) list.push(Number(m[2]));
      byJob.set(m[1]!, list);
    }
    return byJob;
  }
  const hubspotLogEnd = async () => Math.max(0, ...(await r.hubspotRequests()).map((e) => e.seq));

  const orders = () => convertedOrders();

  // ---- the cases -------------------------------------------------------------

  scenario('20 concurrent confirmQuote calls with one key over both gateways (both writes instances) make one order', async () => {
    const quote = await approvedQuote('one-key');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => r.query(i % 2, CONFIRM, { q: quote.id, key: 'replicas-one-key' }, rep, `one-key-${i}`)));
    for (const res of results) assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const numbers = new Set(results.map((res) => res.data.confirmQuote.order.number));
    assert.equal(numbers.size, 1, `every caller gets the same order: ${[...numbers].join(', ')}`);
    assert.ok(results.every((res) => res.data.confirmQuote.status === 'CONFIRMED'));
    assert.equal(results.filter((res) => res.data.confirmQuote.replayed === false).length, 1, 'one call did the work, the others got its answer');

    const inOdoo = await ordersOfQuote(quote.number);
    assert.equal(inOdoo.length, 1, 'one sale.order for the quote in Odoo');
    assert.equal(inOdoo[0]!.state, 'sale');
    assert.equal(inOdoo[0]!.name, [...numbers][0]);
    const writes = await odooWritesFor(quote.number, inOdoo[0]!.id as number);
    assert.deepEqual(writes, { creates: 1, confirms: 1 }, 'one create and one action_confirm in the Odoo sandbox log');
    // Both writes instances answered (gateway N routes to writes-subgraph-N): the instance that
    // did not do the work gave the other's stored answer.
    assert.ok([0, 1].every((g) => results.some((res, i) => i % 2 === g && res.data.confirmQuote.replayed === true)));
  });

  scenario('two workers over one backlog of ≥ 30 jobs apply every milestone once, each job once', async () => {
    const backlog = orders().slice(0, 25);
    const pickings = backlog.flatMap((o) => o.pickings).slice(0, 30);
    const orderIds = [...new Set(backlog.filter((o) => o.pickings.some((p) => pickings.includes(p))).map((o) => o.id))];
    assert.ok(pickings.length >= 30, `${pickings.length} shipments to change`);
    const from = await hubspotLogEnd();
    const before = (await r.workerStats()).total;

    // A user changes 30 shipments in Odoo (through its API, so write_date moves as in Odoo).
    await r.odoo.call('stock.picking', 'write', { ids: pickings, vals: { carrier_tracking_ref: 'REPLICAS-B' } });
    await settle(() => milestonesOf(orderIds));

    const expected = await milestonesOf(orderIds);
    const markers = await noteMarkers();
    assert.ok(expected.size >= orderIds.length, `${expected.size} milestones`);
    for (const m of expected) assert.equal(markers.get(m), 1, `milestone ${m} on its deal exactly once`);
    const extra = [...markers.keys()].filter((m) => orderIds.includes(orderOfMarker(m)) && !expected.has(m));
    assert.deepEqual(extra, [], 'no milestone Odoo does not show');

    const after = (await r.workerStats()).total;
    assert.ok(after.done - before.done >= pickings.length, `every change ran (${after.done - before.done} jobs done)`);
    assert.equal(after.dead - before.dead, 0, 'no job dead-lettered');
    const attempts = await syncAttempts(from);
    assert.ok(attempts.size >= pickings.length, `${attempts.size} jobs reached HubSpot`);
    // Done once: a job runs another attempt only when its worker says why in its log — the
    // attempt failed on a backend and was retried, or its lease ran out before it finished
    // (the completion is then refused to the first owner) — and its effects stay single.
    const explained = new Set(['worker-1', 'worker-2'].flatMap((w) => [...r.output(w).matchAll(/"job":"([^"]+)"[^\n]*(job lease lost before completion|sync job will be retried)/g)].map((m) => m[1]!)));
    assert.deepEqual([...attempts].filter(([job, a]) => a.some((n) => n !== 1) && !explained.has(job)), [], 'each job ran in one attempt, or again for a reason its worker logged');

    // Audited once: one trail entry per note the flow wrote.
    const notes = (await audit({ action: 'order-status:note' })).map((e) => JSON.parse(e.after).note as string).filter((k) => expected.has(k));
    assert.equal(notes.length, expected.size);
    assert.equal(new Set(notes).size, notes.length);
  });

  scenario('a replica killed mid-burst: its leases are taken over, nothing lost or duplicated, every write audited once', async () => {
    // -- a writes instance killed while its Odoo creates are in flight --
    const quotes = await Promise.all(Array.from({ length: 6 }, (_, i) => approvedQuote(`kill-${i}`)));
    // Creates take a second in Odoo (and commit even when the caller is gone, as in Odoo).
    await r.odooFault({ kind: 'latency', ms: 1_000, model: 'sale.order', method: 'create' });
    const viaGateway1 = (requestId?: string) => /^kill-\d*[02468]-1$/.test(requestId ?? '');
    /** A client with a key: retries on the other gateway when one fails, waits when told IN_PROGRESS. */
    const client = async (i: number) => {
      let gateway = i % 2;
      for (let attempt = 1; attempt <= 30; attempt++) {
        const res = await r.query(gateway, CONFIRM, { q: quotes[i]!.id, key: `replicas-kill-${i}` }, rep, `kill-${i}-${attempt}`).catch(() => null);
        const out = res?.data?.confirmQuote;
        if (out && !res.errors) return out as { status: string; order: { number: string } };
        const code = res?.errors?.[0]?.extensions?.code;
        if (code === 'IN_PROGRESS') await sleep(Math.min(1_000, 1_000 * Number(res?.errors?.[0]?.extensions?.retryAfter ?? 1)));
        else gateway = 1 - gateway;
      }
      throw new Error(`quote ${i} never confirmed`);
    };
    const burst = Promise.all(quotes.map((_, i) => client(i)));
    // Kill writes-subgraph-1 as soon as one of its creates has reached Odoo (still in the latency).
    for (let i = 0; i < 400; i++) {
      if ((await r.odooRequests({ model: 'sale.order', method: 'create' })).some((e) => viaGateway1(e.requestId))) break;
      await sleep(25);
    }
    assert.ok((await r.odooRequests({ model: 'sale.order', method: 'create' })).some((e) => viaGateway1(e.requestId)), 'writes-subgraph-1 reached Odoo');
    await r.kill('writes-subgraph-1');
    const results = await burst;
    await r.clearOdooFaults();

    for (const [i, q] of quotes.entries()) {
      assert.equal(results[i]!.status, 'CONFIRMED', `quote ${i}`);
      const inOdoo = await ordersOfQuote(q.number);
      assert.equal(inOdoo.length, 1, `quote ${q.number}: one order, no duplicate even cancelled`);
      assert.equal(inOdoo[0]!.state, 'sale');
      assert.equal(inOdoo[0]!.name, results[i]!.order.number);
      const orderId = encodeId('Order', 'odoo', inOdoo[0]!.id as number);
      const trail = (await audit({ action: 'confirmQuote', objectId: orderId })).filter((e) => e.outcome === 'applied' && e.system === 'odoo');
      assert.deepEqual(trail.map((e) => e.fields.join(',')).sort(), ['number,quote,lines', 'state'], `quote ${q.number}: create and confirm audited once each`);
      const writeBack = (await audit({ action: 'confirmQuote', objectId: q.id })).filter((e) => e.outcome === 'applied');
      assert.equal(writeBack.length, 1, `quote ${q.number}: the CRM write-back audited once`);
    }
    // The killed instance comes back on its port and answers the same key from the shared store.
    await r.restart('writes-subgraph-1');
    const again = await r.query(0, CONFIRM, { q: quotes[0]!.id, key: 'replicas-kill-0' }, rep);
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.equal(again.data.confirmQuote.replayed, true);
    assert.equal(again.data.confirmQuote.order.number, results[0]!.order.number);

    // -- a worker killed while it holds jobs --
    const backlog = orders().slice(25);
    const pickings = backlog.flatMap((o) => o.pickings);
    const orderIds = backlog.map((o) => o.id);
    assert.ok(pickings.length >= 10, `${pickings.length} shipments to change`);
    const from = await hubspotLogEnd();
    // Each note takes a little while in HubSpot, so both workers hold jobs when one dies.
    const fault = await fetch(`${r.urls.hubspotSandbox}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'latency', ms: 150, operation: 'create', objectType: 'notes' }) });
    assert.equal(fault.status, 201);
    await r.odoo.call('stock.picking', 'write', { ids: pickings, vals: { carrier_tracking_ref: 'REPLICAS-C' } });
    const expected = await milestonesOf(orderIds);
    for (let i = 0; i < 600; i++) {
      const written = [...(await noteMarkers()).keys()].filter((m) => expected.has(m)).length;
      const { total } = await r.workerStats();
      if (written >= 3 && total.queued + total.running >= 4) break;
      await sleep(50);
    }
    await r.kill('worker-1');
    const killedAt = await hubspotLogEnd();
    await settle(() => milestonesOf(orderIds));
    await fetch(`${r.urls.hubspotSandbox}/__sandbox/faults`, { method: 'DELETE' });
    await r.restart('worker-1');

    const markers = await noteMarkers();
    for (const m of expected) assert.equal(markers.get(m), 1, `milestone ${m} exactly once`);
    const attempts = await syncAttempts(from);
    const takenOver = [...attempts].filter(([, a]) => a.some((n) => n > 1));
    assert.ok(takenOver.length > 0, "the killed worker's jobs ran again under the other worker's lease");
    assert.ok((await syncAttempts(killedAt)).size > 0, 'the surviving worker went on after the kill');
    // A note the killed worker created but had not yet audited is found again by the re-run
    // (it reads the deal's notes first): the trail must still show it once.
    const notes = (await audit({ action: 'order-status:note' })).map((e) => JSON.parse(e.after).note as string).filter((k) => expected.has(k));
    assert.deepEqual([...expected].filter((m) => !notes.includes(m)), [], 'every note audited: these milestones are in HubSpot with no audit entry');
    assert.equal(new Set(notes).size, notes.length, 'no note audited twice');
  });

  scenario('a cache entry dropped by a write through one replica is gone for the other', async () => {
    // The cached record: the partner behind order S00042, whose cross-reference (ref, parent)
    // the Odoo subgraph caches to name the order's account (docs/deployment.md "Redis").
    const ORDER = '{ order(number: "%N") { account { id } } }'.replace('%N', r.world.demo.orderNumber);
    const accountOf = async (gateway: number) => {
      const res = await r.query(gateway, ORDER, {}, { role: 'finance', sub: 'replicas-finance' });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      return res.data.order.account.id as string;
    };
    const [order] = await r.odoo.searchRead('sale.order', [['name', '=', r.world.demo.orderNumber]], ['partner_id']);
    const partnerId = (order!.partner_id as [number, string])[0];
    const account = r.world.demo.accountId;
    assert.equal(await accountOf(1), account, 'gateway-2 reads (and caches) the partner');
    assert.equal(await accountOf(0), account);

    // Someone attaches the partner to another company in Odoo itself: nothing tells the caches.
    const [other] = await r.odoo.searchRead('res.partner', [['is_company', '=', true], ['ref', '!=', false], ['id', '!=', partnerId]], ['ref'], { limit: 1 });
    await r.odoo.call('res.partner', 'write', { ids: [partnerId], vals: { parent_id: other!.id } });
    try {
      assert.equal(await accountOf(1), account, 'the entry is cached: replica 2 still answers from it');
      // A write through gateway-1 / writes-subgraph-1 to the same partner drops its entries for every replica.
      const write = await r.query(0, 'mutation($id: ID!) { updateAccount(id: $id, idempotencyKey: "replicas-cache-1", input: { creditLimit: 95000 }) { complete } }', { id: account }, { role: 'finance', sub: 'replicas-finance' });
      assert.equal(write.errors, undefined, JSON.stringify(write.errors));
      assert.equal(write.data.updateAccount.complete, true);
      assert.equal(await accountOf(1), encodeId('Account', 'crm', String(other!.ref)), 'replica 2 reads the partner again and sees its new parent');
    } finally {
      await r.odoo.call('res.partner', 'write', { ids: [partnerId], vals: { parent_id: false } });
    }
  }, { skip: process.env.TEST_STORE === 'postgres' ? undefined : 'needs the shared Redis cache (TEST_STORE=postgres): in the embedded default each replica caches in its own memory and an entry expires after CACHE_TTL_MS' });

  scenario('a rate limit holds across replicas: N requests per window through both gateways, exactly N allowed', async () => {
    // The window is fixed (epoch-aligned, an hour here): a burst is not split across two of them.
    const toBoundary = 3_600_000 - (Date.now() % 3_600_000);
    if (toBoundary < 15_000) await sleep(toBoundary + 500);
    const caller: Caller = { role: 'bi_reader', sub: `replicas-bi-${Date.now()}` };
    const results = await Promise.all(Array.from({ length: RATE_LIMIT * 2 + 4 }, (_, i) => r.query(i % 2, '{ __typename }', {}, caller)));
    const allowed = results.filter((res) => res.status === 200);
    const refused = results.filter((res) => res.status === 429);
    assert.equal(allowed.length, RATE_LIMIT, `statuses ${results.map((res) => res.status).join(',')}`);
    assert.equal(refused.length, results.length - RATE_LIMIT);
    assert.ok(refused.every((res) => res.errors?.[0]?.extensions?.code === 'RATE_LIMITED'));
    // Both gateways counted into the same window: each refused some.
    assert.ok([0, 1].every((g) => results.some((res, i) => i % 2 === g && res.status === 429)));
  });
});
