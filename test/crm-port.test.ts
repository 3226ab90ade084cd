// The CRM port's contract, held by the HubSpot adapter against the HubSpot sandbox:
// canonical records (never HubSpot property names), lifecycle stages and quote
// statuses mapped both ways, one malformed value costing one field, and the
// adapter's property table covering every CRM write the ownership declaration names.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHubSpotSandbox, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../connectors/crm/hubspot/adapter.ts';
import { LIFECYCLE_STAGE, LIFECYCLE_STAGE_TO_HUBSPOT, PROPERTY, QUOTE_STATUS, QUOTE_STATUS_TO_HUBSPOT } from '../connectors/crm/hubspot/canonical.ts';
import { HUBSPOT_PROPERTIES } from '../sandboxes/hubspot/portal.ts';
import type { CrmPort } from '../connectors/crm/port.ts';
import { LIFECYCLE_STAGES, QUOTE_STATUSES } from '../policy/vocabulary.ts';
import { OWNERSHIP } from '../policy/ownership.ts';
import { isAppError } from '../policy/errors.ts';
import { buildHubSpotFixture, FIXTURE_TOKEN } from './hubspot-fixture.ts';

/** Every HubSpot property name the portal knows, except those that are plain English canonical names too. */
const HUBSPOT_ONLY_NAMES = new Set(
  Object.values(HUBSPOT_PROPERTIES).flat().filter((p) => !['name', 'domain', 'website', 'industry', 'phone', 'segment', 'email', 'quantity', 'price', 'amount', 'incoterm', 'description', 'city', 'country', 'discount'].includes(p)),
);

function keysDeep(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysDeep(v, out);
  else if (value && typeof value === 'object' && !isAppError(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysDeep(v, out);
    }
  }
  return out;
}

function assertCanonical(records: unknown) {
  const leaked = [...keysDeep(records)].filter((k) => HUBSPOT_ONLY_NAMES.has(k));
  assert.deepEqual(leaked, [], 'no HubSpot property name reaches a canonical record');
}

describe('the CRM port, HubSpot adapter', () => {
  let sandbox: HubSpotSandbox;
  let crm: CrmPort;
  before(async () => {
    sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    await sandbox.listen();
    crm = createHubSpotCrm(createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN, HUBSPOT_RETRY_BASE_MS: '2' })));
  });
  after(() => sandbox.close());

  test('the quotes of many orders: every one, across IN chunks, and none for an order without one', async () => {
    const delay = sandbox.store.searchDelayMs;
    sandbox.store.searchDelayMs = 0; // the records below are made in the store, not through the API
    try {
      const orderIds = Array.from({ length: 130 }, (_, i) => 900_000 + i);
      const made = new Map<number, string[]>();
      for (const [i, orderId] of orderIds.entries()) {
        if (i % 5 === 4) continue; // every fifth order has no quote
        for (let copy = 0; copy < (i % 7 === 0 ? 2 : 1); copy++) {
          const q = sandbox.store.create('quotes', { hs_title: `Bulk ${i}`, hs_expiration_date: '2026-12-31', hs_status: 'DRAFT', quote_number: `Q-BULK-${i}-${copy}`, odoo_order_id: String(orderId) });
          made.set(orderId, [...(made.get(orderId) ?? []), q.id]);
        }
      }
      const searches = () => sandbox.log.count({ operation: 'search', objectType: 'quotes' });
      const before = searches();
      const found = await crm.quotesByOdooOrderId([...orderIds, ...orderIds.slice(0, 10)]);
      assert.equal(searches() - before, 3, 'one search per 50 distinct orders');
      assert.equal(new Set(found.map((q) => q.id)).size, found.length, 'each quote once');
      for (const orderId of orderIds) {
        assert.deepEqual(found.filter((q) => q.odooOrderId === orderId).map((q) => q.id).sort(), (made.get(orderId) ?? []).sort(), `order ${orderId}`);
      }
    } finally {
      sandbox.store.searchDelayMs = delay;
    }
  });

  test('names the concrete system it fronts', () => {
    assert.equal(crm.system, 'hubspot');
  });

  test('a sync copy HubSpot sends as something other than a string is MAPPING_ERROR, not an unset value the sync would overwrite', async () => {
    const company = sandbox.store.get('companies', '1003')!;
    const kept = company.properties.odoo_credit_hold_since;
    // Stored as a number, the sandbox sends it as one (a portal never does: every property travels as a string).
    (company.properties as Record<string, unknown>).odoo_credit_hold_since = 20260101;
    try {
      await assert.rejects(crm.readCopies('account', ['1003']), (e: unknown) => isAppError(e) && e.code === 'MAPPING_ERROR' && e.details.recordId === '1003' && e.details.field === 'odoo_credit_hold_since');
    } finally {
      company.properties.odoo_credit_hold_since = kept ?? null;
    }
    assert.equal((await crm.readCopies('account', ['1003'])).size, 1, 'read as usual once HubSpot answers in form');
  });

  test('reads every kind as typed canonical records', async () => {
    const [account] = await crm.read('account', ['1003']);
    assert.deepEqual(Object.keys(account!).sort(), ['domain', 'errors', 'id', 'industry', 'lifecycleStage', 'name', 'odooPartnerId', 'ownerId', 'phone', 'segment', 'updatedAt', 'website']);
    assert.equal(account!.id, '1003');
    assert.equal(account!.name, 'Company 002');
    assert.equal(account!.odooPartnerId, 5002);
    assert.equal(typeof account!.odooPartnerId, 'number');
    assert.equal(account!.ownerId, '72');
    assert.equal(account!.lifecycleStage, 'CUSTOMER');
    assert.equal(account!.segment, 'enterprise');
    assert.deepEqual(account!.errors, {});

    const quotes = await crm.read('quote', ['50001', '50002']);
    const [q1] = quotes;
    assert.equal(q1!.number, 'Q-2026-00001');
    assert.equal(q1!.status, 'DRAFT');
    assert.equal(q1!.amount, 2000);
    assert.equal(q1!.validUntil, '2026-03-31');
    assert.equal(q1!.incoterm, 'EXW');
    const lines = await crm.read('quoteLine', (await crm.associations('quote', ['50001'], 'quoteLine')).get('50001')!);
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => l.sku === 'GEAR-000' && l.unitPrice === 125.5));
    const contacts = await crm.read('contact', (await crm.associations('account', ['1002'], 'contact')).get('1002')!);
    assert.equal(contacts[0]!.firstName, 'Grace1');
    assert.equal(contacts[0]!.jobTitle, 'Planner');
    const [deal] = await crm.read('deal', ['40001']);
    assert.equal(deal!.name, 'Deal 0');
    const owners = await crm.owners();
    assert.ok(owners.length > 0 && owners.every((o) => typeof o.name === 'string' && o.name.length > 0));
    assertCanonical([account, quotes, lines, contacts, deal, owners]);
  });

  test('finds accounts by the Odoo cross-reference and quotes by number, also within a scope', async () => {
    const [byRef] = await crm.accountsByOdooPartnerId(['5004']);
    assert.equal(byRef!.id, '1005');
    assert.deepEqual(await crm.accountsByOdooPartnerId(['5004'], { withinIds: ['1001'] }), []);
    assert.equal((await crm.accountsByOdooPartnerId(['5004'], { withinIds: ['1005'] }))[0]!.id, '1005');
    const [byNumber] = await crm.quotesByNumber(['Q-2026-00003']);
    assert.equal(byNumber!.id, '50003');
  });

  test('lists in id order with a keyset cursor, filters in canonical terms, and counts', async () => {
    const first = await crm.list('account', { limit: 3 });
    assert.deepEqual(first.map((a) => a.id), ['1001', '1002', '1003']);
    const next = await crm.list('account', { limit: 3, afterId: '1003' });
    assert.deepEqual(next.map((a) => a.id), ['1004', '1005', '1006']);
    const customers = await crm.list('account', { limit: 100, lifecycleStage: 'CUSTOMER' });
    assert.ok(customers.length > 0 && customers.every((a) => a.lifecycleStage === 'CUSTOMER'));
    assert.equal(await crm.count('account', { limit: 1, lifecycleStage: 'CUSTOMER' }), 65);
    const within = await crm.list('account', { limit: 10, withinIds: [['1001', '1002', '1003'], ['1002', '1003', '1004']] });
    assert.deepEqual(within.map((a) => a.id), ['1002', '1003']);
    assert.deepEqual(await crm.list('account', { limit: 10, withinIds: [[]] }), []);
  });

  test('quote statuses map both ways: "approval not needed" reads and filters as APPROVED', async () => {
    const [notNeeded] = await crm.read('quote', ['50002']);
    assert.equal(sandbox.store.get('quotes', '50002')!.properties.hs_status, 'APPROVAL_NOT_NEEDED');
    assert.equal(notNeeded!.status, 'APPROVED');
    const approved = await crm.list('quote', { limit: 100, statuses: ['APPROVED'] });
    assert.deepEqual(new Set(approved.map((q) => sandbox.store.get('quotes', q.id)!.properties.hs_status)), new Set(['APPROVED', 'APPROVAL_NOT_NEEDED']));
    assert.ok(approved.every((q) => q.status === 'APPROVED'));
    for (const status of QUOTE_STATUSES) {
      await crm.updateQuote('50005', { status });
      assert.equal(QUOTE_STATUS[sandbox.store.get('quotes', '50005')!.properties.hs_status as keyof typeof QUOTE_STATUS], status);
      assert.equal((await crm.read('quote', ['50005']))[0]!.status, status);
    }
    // Written as HubSpot spells the canonical value, not as the approval-skipping variant.
    assert.equal(sandbox.store.get('quotes', '50005')!.properties.hs_status, 'REJECTED');
    await crm.updateQuote('50005', { status: 'APPROVED' });
    assert.equal(sandbox.store.get('quotes', '50005')!.properties.hs_status, 'APPROVED');
  });

  test('lifecycle stages map both ways for every canonical stage', async () => {
    // This checks how values map, filters included; that search lags writes is
    // search-after-write.test.ts's subject, so here search sees each write at once.
    const delay = sandbox.store.searchDelayMs;
    sandbox.store.searchDelayMs = 0;
    try {
      for (const stage of LIFECYCLE_STAGES) {
        await crm.updateAccount('1010', { lifecycleStage: stage });
        const raw = sandbox.store.get('companies', '1010')!.properties.lifecyclestage!;
        assert.equal(LIFECYCLE_STAGE[raw as keyof typeof LIFECYCLE_STAGE], stage);
        assert.equal((await crm.read('account', ['1010']))[0]!.lifecycleStage, stage);
        assert.equal((await crm.list('account', { limit: 1, withinIds: [['1010']], lifecycleStage: stage })).length, 1);
      }
    } finally {
      sandbox.store.searchDelayMs = delay;
    }
  });

  test('every canonical value has a HubSpot value, and the inverse tables are derived consistently', () => {
    for (const stage of LIFECYCLE_STAGES) {
      assert.ok(LIFECYCLE_STAGE_TO_HUBSPOT[stage].length > 0, stage);
      for (const hubspot of LIFECYCLE_STAGE_TO_HUBSPOT[stage]) assert.equal(LIFECYCLE_STAGE[hubspot as keyof typeof LIFECYCLE_STAGE], stage);
    }
    for (const status of QUOTE_STATUSES) {
      assert.ok(QUOTE_STATUS_TO_HUBSPOT[status].length > 0, status);
      for (const hubspot of QUOTE_STATUS_TO_HUBSPOT[status]) assert.equal(QUOTE_STATUS[hubspot as keyof typeof QUOTE_STATUS], status);
    }
    assert.deepEqual(new Set(Object.values(LIFECYCLE_STAGE)), new Set(LIFECYCLE_STAGES));
    assert.deepEqual(new Set(Object.values(QUOTE_STATUS)), new Set(QUOTE_STATUSES));
  });

  test('a malformed value costs its field only: the record and its other fields arrive', async () => {
    const stored = sandbox.store.get('companies', '1020')!;
    const original = { ...stored.properties };
    try {
      stored.properties.odoo_partner_id = 'not-a-number';
      stored.properties.lifecyclestage = '123456'; // a portal's custom stage: no canonical meaning
      const [account] = await crm.read('account', ['1020', '1021']);
      assert.equal(account!.id, '1020');
      assert.equal(account!.name, 'Company 019');
      assert.equal(account!.odooPartnerId, null);
      assert.equal(account!.lifecycleStage, null);
      for (const [field, property] of [['odooPartnerId', 'odoo_partner_id'], ['lifecycleStage', 'lifecyclestage']] as const) {
        const error = account!.errors[field];
        assert.ok(isAppError(error), field);
        assert.equal(error.code, 'MAPPING_ERROR');
        assert.equal(error.details.system, 'hubspot');
        assert.equal(error.details.model, 'companies');
        assert.equal(error.details.recordId, '1020');
        assert.equal(error.details.field, property);
      }
      assert.deepEqual(Object.keys(account!.errors).sort(), ['lifecycleStage', 'odooPartnerId']);
    } finally {
      stored.properties = original;
    }
  });

  test('creates quotes and lines, links and archives them in canonical terms', async () => {
    const { id } = await crm.createQuote({ number: 'Q-TEST-1', title: 'Port test', status: 'DRAFT', currency: 'EUR', validUntil: '2026-12-31', incoterm: 'DAP', ownerId: '71' });
    await crm.associate('quote', id, 'account', '1001');
    const line = await crm.createQuoteLine({ quoteId: id, sku: 'GEAR-001', name: 'Gear 1', quantity: 3, unitPrice: 126.5, discount: 2 });
    assert.deepEqual((await crm.associations('quote', [id], 'quoteLine')).get(id), [line.id], 'the line is on its quote from its create');
    const [quote] = await crm.read('quote', [id]);
    assert.equal(quote!.number, 'Q-TEST-1');
    assert.equal(quote!.status, 'DRAFT');
    assert.equal(quote!.incoterm, 'DAP');
    assert.deepEqual((await crm.associations('quote', [id], 'account')).get(id), ['1001']);
    const [read] = await crm.read('quoteLine', [line.id]);
    assert.deepEqual({ sku: read!.sku, quantity: read!.quantity, unitPrice: read!.unitPrice, discount: read!.discount }, { sku: 'GEAR-001', quantity: 3, unitPrice: 126.5, discount: 2 });
    await crm.updateQuote(id, { odooOrderId: 42, odooOrderRef: 'S00042' });
    const [converted] = await crm.read('quote', [id]);
    assert.equal(converted!.odooOrderId, 42);
    assert.equal(converted!.odooOrderRef, 'S00042');
    await crm.archiveQuoteLine(line.id);
    assert.deepEqual(await crm.read('quoteLine', [line.id]), []);
  });

  test('every CRM write target of the ownership declaration is a record field the adapter maps to a property', () => {
    let checked = 0;
    for (const [type, fields] of Object.entries(OWNERSHIP)) {
      for (const [field, decl] of Object.entries(fields)) {
        if (decl.write?.system !== 'crm') continue;
        assert.equal(decl.owner, 'crm', `${type}.${field}`);
        const table: Record<string, string> | undefined = PROPERTY[decl.write.object];
        assert.ok(table, `${type}.${field} is written to the CRM's ${decl.write.object}, which the adapter does not map`);
        assert.ok(table[decl.write.field], `${type}.${field} is written to ${decl.write.object}.${decl.write.field}, which the adapter does not map`);
        checked += 1;
      }
    }
    assert.ok(checked >= 15, `checked ${checked} fields`);
  });

  test('stored values keep the port\'s field names (the audit trail masks by them): only values are translated', () => {
    const account = { lifecycleStage: 'CUSTOMER', phone: '+1 555', ownerId: '7' };
    const stored = crm.storedValues('account', account);
    assert.deepEqual(Object.keys(stored), Object.keys(account));
    assert.deepEqual(stored, { lifecycleStage: LIFECYCLE_STAGE_TO_HUBSPOT.CUSTOMER[0], phone: '+1 555', ownerId: '7' });
    const quote = { status: 'APPROVED', title: 'T', validUntil: null };
    assert.deepEqual(crm.storedValues('quote', quote), { status: QUOTE_STATUS_TO_HUBSPOT.APPROVED[0], title: 'T', validUntil: null });
  });
});
