// The HubSpot sandbox holds quotes to what a real portal requires (facts doc §13):
// `hs_title` and `hs_expiration_date` on create, and a quote template, a deal and
// line items before a quote may be submitted for approval, approved or published.
// Quote templates are served read-only. The connector finds the portal's template.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHubSpotSandbox, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../connectors/crm/hubspot/adapter.ts';
import { QUOTE_RULES } from '../sandboxes/hubspot/portal.ts';
import { buildHubSpotFixture, FIXTURE_TOKEN } from './hubspot-fixture.ts';

describe('a HubSpot portal refuses quotes it could not approve or publish', () => {
  let sandbox: HubSpotSandbox;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method, headers: { authorization: `Bearer ${FIXTURE_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) };
  };
  before(async () => {
    sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    await sandbox.listen();
  });
  after(() => sandbox.close());

  test('a quote without hs_title and hs_expiration_date is refused with a VALIDATION_ERROR naming both', async () => {
    const before = sandbox.store.count('quotes');
    const res = await call('POST', '/crm/v3/objects/quotes', { properties: { hs_currency: 'EUR' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.status, 'error');
    assert.equal(res.body.category, 'VALIDATION_ERROR');
    assert.equal(typeof res.body.correlationId, 'string');
    assert.deepEqual(res.body.errors.map((e: any) => e.context.propertyName[0]).sort(), ['hs_expiration_date', 'hs_title']);
    // HubSpot's own property-error vocabulary, not the gateway's registry.
    assert.deepEqual(res.body.errors.map((e: any) => e.code), ['REQUIRED_PROPERTY', 'REQUIRED_PROPERTY']);
    assert.equal(sandbox.store.count('quotes'), before, 'nothing was created');
    const batch = await call('POST', '/crm/v3/objects/quotes/batch/create', { inputs: [{ properties: { hs_title: 'only a title' } }] });
    assert.equal(batch.status, 400);
    assert.equal(sandbox.store.count('quotes'), before);
  });

  test('a new quote starts as a DRAFT; moving it to a status that needs approval or publishing is refused until it has a template, a deal and lines', async () => {
    const created = await call('POST', '/crm/v3/objects/quotes', { properties: { hs_title: 'Bare', hs_expiration_date: '2026-12-31' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.properties.hs_status, 'DRAFT');
    const id = created.body.id as string;
    for (const status of QUOTE_RULES.statusesNeedingAssociations) {
      const res = await call('PATCH', `/crm/v3/objects/quotes/${id}`, { properties: { hs_status: status } });
      assert.equal(res.status, 400, status);
      assert.equal(res.body.category, 'VALIDATION_ERROR');
      assert.deepEqual(res.body.errors.map((e: any) => e.context.toObjectType[0]).sort(), ['deal', 'line_item', 'quote_template']);
      assert.equal(sandbox.store.get('quotes', id)!.properties.hs_status, 'DRAFT');
    }
    // A rejection or a draft needs nothing.
    assert.equal((await call('PATCH', `/crm/v3/objects/quotes/${id}`, { properties: { hs_status: 'REJECTED' } })).status, 200);
    // Inline associations on create count: with all three, a quote may be created straight as approved.
    const template = sandbox.store.list('quote_template')[0]!.id;
    const deal = sandbox.store.list('deals')[0]!.id;
    const line = sandbox.store.list('line_items')[0]!.id;
    const inline = (typeId: number, to: string) => ({ to: { id: to }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] });
    const partial = await call('POST', '/crm/v3/objects/quotes', {
      properties: { hs_title: 'Inline', hs_expiration_date: '2026-12-31', hs_status: 'APPROVAL_NOT_NEEDED' }, associations: [inline(286, template), inline(64, deal)],
    });
    assert.equal(partial.status, 400);
    assert.deepEqual(partial.body.errors.map((e: any) => e.context.toObjectType[0]), ['line_item']);
    const full = await call('POST', '/crm/v3/objects/quotes', {
      properties: { hs_title: 'Inline', hs_expiration_date: '2026-12-31', hs_status: 'APPROVAL_NOT_NEEDED' }, associations: [inline(286, template), inline(64, deal), inline(67, line)],
    });
    assert.equal(full.status, 201);
    // Associating the three by v4 PUT makes the bare quote approvable.
    for (const [to, toId] of [['quote_template', template], ['deals', deal], ['line_items', line]] as const) {
      assert.equal((await call('PUT', `/crm/v4/objects/quotes/${id}/associations/default/${to}/${toId}`)).status, 200);
    }
    assert.equal((await call('PATCH', `/crm/v3/objects/quotes/${id}`, { properties: { hs_status: 'PENDING_APPROVAL' } })).status, 200);
    assert.equal((await call('PATCH', `/crm/v3/objects/quotes/${id}`, { properties: { hs_status: 'APPROVED' } })).status, 200);
  });

  test('quote templates are readable and cannot be written through the API', async () => {
    const list = await call('GET', '/crm/v3/objects/quote_template?properties=hs_name,hs_active');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.results.map((t: any) => t.properties.hs_name), ['Standard quote']);
    const refused = await call('POST', '/crm/v3/objects/quote_template', { properties: { hs_name: 'Mine' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.category, 'VALIDATION_ERROR');
    assert.equal(sandbox.store.count('quote_template'), 1);
  });

  test("the connector uses the configured template, else the portal's first active one, found once", async () => {
    const config = loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN });
    sandbox.log.clear();
    const discovered = createHubSpotCrm(createHubSpotClient(config));
    assert.equal(await discovered.defaultQuoteTemplate(), '90001');
    assert.equal(await discovered.forRequest({ at: Date.now() + 5000, signal: new AbortController().signal }).defaultQuoteTemplate(), '90001');
    assert.equal(sandbox.log.count({ operation: 'list', objectType: 'quote_template' }), 1, 'discovered once, shared by request views');
    const configured = createHubSpotCrm(createHubSpotClient(config), { quoteTemplateId: '424242' });
    assert.equal(await configured.defaultQuoteTemplate(), '424242');
    assert.equal(sandbox.log.count({ operation: 'list', objectType: 'quote_template' }), 1);
    assert.throws(() => loadHubSpotConfig({ HUBSPOT_ACCESS_TOKEN: 't', HUBSPOT_QUOTE_TEMPLATE_ID: 'standard' }), /HUBSPOT_QUOTE_TEMPLATE_ID/);
  });

  test('a portal without an active template has no default: the connector says so instead of inventing one', async () => {
    const dataset = buildHubSpotFixture();
    dataset.objects.quote_template = dataset.objects.quote_template.map((t) => ({ ...t, properties: { ...t.properties, hs_active: 'false' } }));
    const inactive = createHubSpotSandbox({ dataset });
    await inactive.listen();
    try {
      const crm = createHubSpotCrm(createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: inactive.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN })));
      assert.equal(await crm.defaultQuoteTemplate(), null);
    } finally {
      await inactive.close();
    }
  });
});
