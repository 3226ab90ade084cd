// A HubSpot batch call that fails for some inputs answers 207 with `numErrors` and
// `errors[]` entries in HubSpot's StandardError shape (status, category, message,
// context, errors, links; subCategory where HubSpot names one). The sandbox answers
// that shape and the connector takes the results and tolerates the expected errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHubSpotSandbox, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient, type HubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { buildHubSpotFixture, FIXTURE_TOKEN } from './hubspot-fixture.ts';

const STANDARD_ERROR_KEYS = ['category', 'context', 'errors', 'links', 'message', 'status'];

describe('batch partial failures (207)', () => {
  let sandbox: HubSpotSandbox;
  let client: HubSpotClient;
  before(async () => {
    sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    await sandbox.listen();
    client = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN }));
  });
  after(async () => {
    client.close();
    await sandbox.close();
  });

  async function post(path: string, body: unknown) {
    const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${FIXTURE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  test('batch read and batch update answer 207 with numErrors and StandardError entries', async () => {
    const read = await post('/crm/v3/objects/companies/batch/read', { inputs: [{ id: '1001' }, { id: '999998' }, { id: '999999' }], properties: ['name'] });
    assert.equal(read.status, 207);
    assert.equal(read.body.numErrors, 1);
    assert.equal(read.body.results.length, 1);
    const [entry] = read.body.errors;
    assert.deepEqual(Object.keys(entry).sort(), STANDARD_ERROR_KEYS);
    assert.equal(entry.status, 'error');
    assert.equal(entry.category, 'OBJECT_NOT_FOUND');
    assert.deepEqual(entry.context, { ids: ['999998', '999999'] });
    assert.ok(Array.isArray(entry.errors));
    assert.equal(typeof entry.links, 'object');

    const update = await post('/crm/v3/objects/companies/batch/update', { inputs: [{ id: '1002', properties: { segment: 'smb' } }, { id: '999997', properties: { segment: 'smb' } }] });
    assert.equal(update.status, 207);
    assert.equal(update.body.numErrors, 1);
    assert.deepEqual(Object.keys(update.body.errors[0]).sort(), STANDARD_ERROR_KEYS);
    assert.deepEqual(update.body.errors[0].context, { ids: ['999997'] });
  });

  test('an association batch read names inputs without associations with a subCategory', async () => {
    const r = await post('/crm/v4/associations/companies/contacts/batch/read', { inputs: [{ id: '1001' }, { id: '999999' }] });
    assert.equal(r.status, 207);
    const entry = r.body.errors[0];
    assert.deepEqual(Object.keys(entry).sort(), [...STANDARD_ERROR_KEYS, 'subCategory'].sort());
    assert.equal(entry.subCategory, 'crm.associations.NO_ASSOCIATIONS_FOUND');
  });

  test('the connector takes the results of a 207 and tolerates not-found entries', async () => {
    const objects = await client.batchRead('companies', ['1001', '999999', '1002'], ['name']);
    assert.deepEqual(objects.map((o) => o.id), ['1001', '1002']);
    const links = await client.associations('companies', ['1001', '999999'], 'contacts');
    assert.ok((links.get('1001') ?? []).length > 0);
    assert.deepEqual(links.get('999999'), []);
  });
});
