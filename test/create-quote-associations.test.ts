// createQuote makes the quote a HubSpot portal can approve and publish: a deal (or the
// given one of the same account), the quote template, company, contact and line items,
// counted on the wire in the sandbox's request log. A create that fails part-way is
// completed by a retry with the same key without a second deal or quote; so is one
// whose deal, quote or line create landed in HubSpot while its answer was lost.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { SANDBOX_QUOTE_TEMPLATES } from '../sandboxes/seed/index.ts';
import { startTestStack, type Caller, type TestStack } from './support/stack.ts';
import { companyOwner } from './support/world.ts';

const CREATE = `mutation($input: QuoteCreateInput!, $key: String!) {
  createQuote(input: $input, idempotencyKey: $key) { deal replayed quote { id number status account { name } } }
}`;

const AUDIT = `query($id: ID!) { auditLog(first: 50, filter: { objectId: $id }) { edges { node { action object outcome fields } } } }`;

describe('createQuote associates everything a HubSpot portal needs', () => {
  let stack: TestStack;
  let rep: Caller;
  let contactId: string;
  const hubspotId = (canonical: string) => Buffer.from(canonical, 'base64url').toString('utf8').split(':')[2]!;
  const edges = (from: 'quotes' | 'deals', id: string, to: Parameters<TestStack['hubspotSandbox']['store']['associationsOf']>[2]) =>
    stack.hubspotSandbox.store.associationsOf(from, id, to).map((e) => e.toId);
  const input = (extra: Record<string, unknown> = {}) => ({
    account: stack.world.demo.accountId, title: 'Pumps for line 4', currency: 'EUR', validUntil: '2026-12-31', requestedDeliveryDate: '2027-01-15', incoterm: 'DAP',
    lines: [{ sku: stack.world.demo.productSku, quantity: 2, unitPrice: 21000, discount: 5 }, { sku: stack.world.demo.approvedQuote.lines[0]!.sku, quantity: 3, unitPrice: 900 }],
    ...extra,
  });

  before(async () => {
    stack = await startTestStack();
    rep = { role: 'sales_rep', crmOwnerId: companyOwner(stack.world, stack.world.demo.accountHubSpotId), sub: 'rep-assoc' };
    const contact = stack.world.hubspot.associations.find((a) => a.fromType === 'contacts' && a.toType === 'companies' && a.toId === stack.world.demo.accountHubSpotId)!;
    contactId = encodeId('Contact', 'crm', contact.fromId);
  });
  after(() => stack.close());
  /** The audit entries about one record, read through the gateway. */
  const trail = async (id: string) => (await stack.query(AUDIT, { id }, { role: 'integration_admin' })).data.auditLog.edges.map((e: { node: { action: string; object: string; outcome: string; fields: string[] } }) => e.node);

  test('a new quote gets a new deal on the account and the template, deal, company, contact and line-item associations, one call each', async () => {
    await stack.resetCounters();
    const res = await stack.query(CREATE, { input: input({ contact: contactId }), key: 'assoc-quote-0001' }, rep);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const quoteId = hubspotId(res.data.createQuote.quote.id);
    const dealId = hubspotId(res.data.createQuote.deal);
    const log = stack.hubspotSandbox.log;
    assert.equal(log.count({ operation: 'create', objectType: 'deals' }), 1);
    assert.equal(log.count({ operation: 'create', objectType: 'quotes' }), 1);
    assert.equal(log.count({ operation: 'create', objectType: 'line_items' }), 2);
    const associations = log.entries({ operation: 'associate' }).map((e) => `${e.objectType}→${e.toObjectType}`).sort();
    // The deal and the lines are linked to the quote by their creates.
    assert.deepEqual(associations, ['deals→companies', 'deals→contacts', 'quotes→companies', 'quotes→contacts', 'quotes→quote_template']);
    assert.ok(log.entries({ operation: 'associate' }).every((e) => e.status === 200));
    // What the portal holds afterwards.
    assert.deepEqual(edges('quotes', quoteId, 'quote_template'), [SANDBOX_QUOTE_TEMPLATES[0].id]);
    assert.deepEqual(edges('quotes', quoteId, 'deals'), [dealId]);
    assert.deepEqual(edges('quotes', quoteId, 'companies'), [stack.world.demo.accountHubSpotId]);
    assert.deepEqual(edges('quotes', quoteId, 'contacts'), [hubspotId(contactId)]);
    assert.equal(edges('quotes', quoteId, 'line_items').length, 2);
    assert.deepEqual(edges('deals', dealId, 'companies'), [stack.world.demo.accountHubSpotId]);
    const deal = stack.hubspotSandbox.store.get('deals', dealId)!;
    assert.equal(deal.properties.dealname, `${stack.world.demo.accountName}: Pumps for line 4`);
    assert.equal(deal.properties.hubspot_owner_id, rep.crmOwnerId);
    assert.equal(stack.hubspotSandbox.store.get('quotes', quoteId)!.properties.hs_status, 'DRAFT');
  });

  test('a quote on an existing deal of the account creates no deal; a deal of another account is refused before anything is written', async () => {
    await stack.resetCounters();
    const existing = encodeId('Opportunity', 'crm', stack.world.demo.dealHubSpotId);
    const res = await stack.query(CREATE, { input: input({ deal: existing }), key: 'assoc-quote-0002' }, rep);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.createQuote.deal, existing);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'deals' }), 0);
    assert.deepEqual(edges('quotes', hubspotId(res.data.createQuote.quote.id), 'deals'), [stack.world.demo.dealHubSpotId]);

    await stack.resetCounters();
    const foreign = stack.world.hubspot.associations.find((a) => a.fromType === 'deals' && a.toType === 'companies' && a.toId !== stack.world.demo.accountHubSpotId)!;
    const refused = await stack.query(CREATE, { input: input({ deal: encodeId('Opportunity', 'crm', foreign.fromId) }), key: 'assoc-quote-0003' }, rep);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(refused.errors?.[0]?.extensions?.field, 'input.deal');
    const unknown = await stack.query(CREATE, { input: input({ deal: encodeId('Opportunity', 'crm', '99') }), key: 'assoc-quote-0004' }, rep);
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const notAnId = await stack.query(CREATE, { input: input({ deal: stack.world.demo.accountId }), key: 'assoc-quote-0005' }, rep);
    assert.equal(notAnId.errors?.[0]?.extensions?.field, 'input.deal');
    const writes = stack.hubspotSandbox.log.entries().filter((e) => e.method !== 'GET' && !e.operation.startsWith('batch_read') && !e.operation.startsWith('associations_batch') && e.operation !== 'search');
    assert.deepEqual(writes, [], 'nothing was written to HubSpot');
  });

  test('a create whose template association fails is completed by a retry with the same key: one deal, one quote, every association', async () => {
    await stack.resetCounters();
    stack.hubspotSandbox.faults.add({ kind: 'error', status: 500, objectType: 'quote_template', operation: 'associate' });
    const failed = await stack.query(CREATE, { input: input(), key: 'assoc-quote-0006' }, rep);
    stack.hubspotSandbox.faults.clear();
    assert.ok(failed.errors?.length, 'the first attempt fails');
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'quotes' }), 1);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'deals' }), 1);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'line_items' }), 0, 'stopped before the lines');
    // What the failed attempt made is in the trail already, whether or not anyone retries.
    const made = stack.hubspotSandbox.log.entries({ operation: 'create' }).map((e) => `${e.objectType}`).sort();
    assert.deepEqual(made, ['deals', 'quotes']);
    const quote = stack.hubspotSandbox.store.all('quotes').find((q) => q.properties.hs_title === 'Pumps for line 4' && edges('quotes', q.id, 'quote_template').length === 0)!;
    assert.deepEqual((await trail(encodeId('Quote', 'crm', quote.id))).map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`), ['createQuote:applied']);
    const [deal] = edges('quotes', quote.id, 'deals');
    assert.deepEqual((await trail(encodeId('Opportunity', 'crm', deal!))).map((e: { object: string; outcome: string }) => `${e.object}:${e.outcome}`), ['Opportunity:applied']);

    const retried = await stack.query(CREATE, { input: input(), key: 'assoc-quote-0006' }, rep);
    assert.equal(retried.errors, undefined, JSON.stringify(retried.errors));
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'quotes' }), 1, 'no second quote');
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'deals' }), 1, 'no second deal');
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'create', objectType: 'line_items' }), 2);
    const quoteId = hubspotId(retried.data.createQuote.quote.id);
    assert.deepEqual(edges('quotes', quoteId, 'quote_template'), [SANDBOX_QUOTE_TEMPLATES[0].id]);
    assert.deepEqual(edges('quotes', quoteId, 'deals'), [hubspotId(retried.data.createQuote.deal)]);
    assert.equal(edges('quotes', quoteId, 'line_items').length, 2);
    // The associations done by the first attempt were not repeated.
    assert.equal(stack.hubspotSandbox.log.entries({ operation: 'associate', objectType: 'quotes', toObjectType: 'companies' }).length, 1);
  });

  test('a deal create that never reached HubSpot: the retry answers IN_PROGRESS until the create can no longer land, and creates nothing', async () => {
    await stack.resetCounters();
    const key = 'assoc-deal-never-landed';
    stack.hubspotSandbox.faults.add({ kind: 'down', objectType: 'deals', operation: 'create', times: 1 });
    const failed = await stack.query(CREATE, { input: input(), key }, rep);
    assert.equal(failed.errors?.[0]?.extensions?.code, 'BACKEND_UNAVAILABLE');
    const deals = () => stack.hubspotSandbox.store.all('deals').length;
    const before = deals();
    const retried = await stack.query(CREATE, { input: input(), key }, rep);
    assert.equal(retried.errors?.[0]?.extensions?.code, 'IN_PROGRESS', JSON.stringify(retried.errors));
    assert.equal(retried.errors?.[0]?.extensions?.system, 'hubspot');
    assert.ok(Number(retried.errors?.[0]?.extensions?.retryAfter) >= 1, 'says when to come back');
    assert.equal(deals(), before, 'no deal created while the first create could still land');
  });

  test('a deal create HubSpot refused (429) is sent again by the retry at once', async () => {
    await stack.resetCounters();
    const key = 'assoc-deal-refused';
    stack.hubspotSandbox.faults.add({ kind: 'rate_limit', policy: 'SECONDLY', objectType: 'deals', operation: 'create', times: 10 });
    const failed = await stack.query(CREATE, { input: input(), key }, rep);
    stack.hubspotSandbox.faults.clear();
    assert.ok(failed.errors?.length, 'the first attempt fails');
    const retried = await stack.query(CREATE, { input: input(), key }, rep);
    assert.equal(retried.errors, undefined, JSON.stringify(retried.errors));
    assert.deepEqual(edges('quotes', hubspotId(retried.data.createQuote.quote.id), 'deals'), [hubspotId(retried.data.createQuote.deal)]);
  });

  for (const [objectType, what] of [['deals', 'deal'], ['quotes', 'quote'], ['line_items', 'line']] as const) {
    test(`a ${what} created in HubSpot whose answer was lost is found by the retry, not created again`, async () => {
      await stack.resetCounters();
      const key = `assoc-lost-${objectType}`;
      const creates = () => stack.hubspotSandbox.log.count({ operation: 'create', objectType });
      stack.hubspotSandbox.faults.add({ kind: 'lost_answer', objectType, operation: 'create', times: 1 });
      const failed = await stack.query(CREATE, { input: input({ contact: contactId }), key }, rep);
      stack.hubspotSandbox.faults.clear();
      assert.ok(failed.errors?.length, 'the attempt that lost the answer fails');
      const landed = creates();
      assert.equal(landed, 1, 'the create landed in HubSpot');

      const retried = await stack.query(CREATE, { input: input({ contact: contactId }), key }, rep);
      assert.equal(retried.errors, undefined, JSON.stringify(retried.errors));
      // For lines: the first line is found on the quote, only the second is created.
      assert.equal(creates(), objectType === 'line_items' ? 2 : 1, `no second ${what}`);
      const quoteId = hubspotId(retried.data.createQuote.quote.id);
      const dealId = hubspotId(retried.data.createQuote.deal);
      assert.deepEqual(edges('quotes', quoteId, 'deals'), [dealId]);
      assert.deepEqual(edges('deals', dealId, 'companies'), [stack.world.demo.accountHubSpotId]);
      const lines = edges('quotes', quoteId, 'line_items').map((id) => stack.hubspotSandbox.store.get('line_items', id)!.properties.hs_sku).sort();
      assert.deepEqual(lines, input().lines.map((l) => l.sku).sort(), 'each line once');
      // Each record once in the trail, whichever attempt learnt its id.
      assert.equal((await trail(encodeId('Opportunity', 'crm', dealId))).length, 1);
      for (const line of edges('quotes', quoteId, 'line_items')) assert.equal((await trail(encodeId('QuoteLine', 'crm', line))).length, 1);
      assert.deepEqual((await trail(encodeId('Quote', 'crm', quoteId))).map((e: { fields: string[] }) => e.fields.includes('lines') ? 'summary' : 'created').sort(), ['created', 'summary']);
      const dealsOfQuote = stack.hubspotSandbox.store.all('deals').filter((d) => d.properties.dealname === `${stack.world.demo.accountName}: Pumps for line 4` && edges('deals', d.id, 'quotes').includes(quoteId));
      assert.equal(dealsOfQuote.length, 1);
    });
  }
});
