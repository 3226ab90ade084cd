// HubSpot's CRM search is eventually consistent: a record created or changed shows in
// search results seconds later, while reads by id or by a unique idProperty see it at
// once. The sandbox lags search behind writes by default; what the integration looks
// up right after writing it (a quote by its number, an account by its Odoo id) must be
// found anyway.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHubSpotSandbox, HUBSPOT_SEARCH_DELAY_MS, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { buildHubSpotFixture, FIXTURE_TOKEN } from './hubspot-fixture.ts';
import { startTestStack, type Caller, type TestStack } from './support/stack.ts';
import { companyOwner } from './support/world.ts';

async function call(sandbox: HubSpotSandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${FIXTURE_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const byName = (name: string) => ({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ', value: name }] }], properties: ['name', 'segment'] });

describe('the HubSpot sandbox\'s search lags behind writes', () => {
  test('on by default, at a few seconds', () => {
    const sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    assert.ok(HUBSPOT_SEARCH_DELAY_MS >= 1000);
    assert.equal(sandbox.store.searchDelayMs, HUBSPOT_SEARCH_DELAY_MS);
  });

  describe('with a short delay', () => {
    let sandbox: HubSpotSandbox;
    before(async () => {
      // Polled searches: search's own per-second limit raised so the polling is not refused.
      sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture(), searchDelayMs: 300, rateLimit: { searchPerSecond: 1000 } });
      await sandbox.listen();
    });
    after(() => sandbox.close());

    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 50 && !(await check()); i += 1) await new Promise((r) => setTimeout(r, 100));
    };

    test('a created record is found by id and idProperty at once, by search only later', async () => {
      const created = await call(sandbox, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Lagging Gears', odoo_partner_id: '98765', segment: 'smb' } });
      assert.equal(created.status, 201);
      const id = created.body!.id as string;
      assert.equal((await call(sandbox, 'POST', '/crm/v3/objects/companies/search', byName('Lagging Gears'))).body!.total, 0, 'not indexed yet');
      assert.equal((await call(sandbox, 'GET', `/crm/v3/objects/companies/${id}`)).status, 200);
      assert.equal((await call(sandbox, 'GET', '/crm/v3/objects/companies/98765?idProperty=odoo_partner_id')).body!.id, id);
      const batch = await call(sandbox, 'POST', '/crm/v3/objects/companies/batch/read', { idProperty: 'odoo_partner_id', inputs: [{ id: '98765' }], properties: ['name'] });
      assert.deepEqual(batch.body!.results.map((r: { id: string }) => r.id), [id]);
      let total = 0;
      await until(async () => (total = (await call(sandbox, 'POST', '/crm/v3/objects/companies/search', byName('Lagging Gears'))).body!.total) === 1);
      assert.equal(total, 1, 'indexed after the delay');
    });

    test('a changed record keeps its old values in search until the change is indexed', async () => {
      const patched = await call(sandbox, 'PATCH', '/crm/v3/objects/companies/1001', { properties: { segment: 'enterprise' } });
      assert.equal(patched.status, 200);
      const name = patched.body!.properties.name as string;
      const seen = async () => (await call(sandbox, 'POST', '/crm/v3/objects/companies/search', byName(name))).body!.results[0]?.properties.segment as string | undefined;
      const stale = await seen();
      assert.notEqual(stale, 'enterprise', 'search still answers the indexed value');
      assert.equal((await call(sandbox, 'GET', '/crm/v3/objects/companies/1001?properties=segment')).body!.properties.segment, 'enterprise');
      let now: string | undefined;
      await until(async () => (now = await seen()) === 'enterprise');
      assert.equal(now, 'enterprise');
    });
  });
});

describe('looking up what was just written, through the gateway with the default delay', () => {
  let stack: TestStack;
  let rep: Caller;
  before(async () => {
    stack = await startTestStack();
    rep = { role: 'sales_rep', crmOwnerId: companyOwner(stack.world, stack.world.demo.accountHubSpotId), sub: 'rep-elbtal' };
  });
  after(() => stack.close());

  test('createQuote, then quote(number) at once: the new quote is found, by its rep and by its customer', async () => {
    assert.ok(stack.hubspotSandbox.store.searchDelayMs > 0, 'search lags writes in this stack');
    const created = await stack.query(`mutation($input: QuoteCreateInput!, $key: String!) { createQuote(input: $input, idempotencyKey: $key) { quote { id number } } }`, {
      input: {
        account: stack.world.demo.accountId, title: 'Found at once', currency: 'EUR', validUntil: '2026-12-31',
        lines: [{ sku: stack.world.demo.productSku, quantity: 1, unitPrice: 21000 }],
      },
      key: 'search-after-write-0001',
    }, rep);
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const { id, number } = created.data.createQuote.quote;
    const query = `query($n: String!) { quote(number: $n) { id number title } }`;
    const asRep = await stack.query(query, { n: number }, rep);
    assert.equal(asRep.errors, undefined, JSON.stringify(asRep.errors));
    assert.deepEqual(asRep.data.quote, { id, number, title: 'Found at once' });
    const asCustomer = await stack.query(query, { n: number }, { role: 'customer', accountId: stack.world.demo.accountId });
    assert.equal(asCustomer.errors, undefined, JSON.stringify(asCustomer.errors));
    assert.equal(asCustomer.data.quote?.id, id, 'the customer-scoped lookup reads by idProperty too, not by search');
  });
});
