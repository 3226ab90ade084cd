// The HubSpot connector against the HubSpot sandbox over real HTTP (port 0): paging,
// batch chunking, search limits, writes, associations v4, and the failure modes
// (404, 429, 5xx, timeouts, outages, bad token, malformed payloads) — asserted by
// shapes and by the exact calls the sandbox logged, never by milliseconds.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createHubSpotSandbox, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { isAppError, type AppError } from '../policy/errors.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient, type HubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { parseObjects } from '../connectors/crm/hubspot/mapping/records.ts';
import {
  BIG_COMPANY_CONTACTS,
  BIG_COMPANY_ID,
  buildHubSpotFixture,
  FIRST_COMPANY_ID,
  FIXTURE_COMPANY_COUNT,
  FIXTURE_TOKEN,
} from './hubspot-fixture.ts';
import { rejectionOf } from './support/errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const companyIds = (n: number, from = FIRST_COMPANY_ID) => Array.from({ length: n }, (_, i) => String(from + i));

async function rejectsWith(p: Promise<unknown>, code: string, details: Record<string, unknown> = {}): Promise<AppError> {
  const caught = await rejectionOf(p, code, 'hubspot');
  for (const [k, v] of Object.entries(details)) assert.deepEqual(caught.details[k], v, `details.${k} of ${caught.message}`);
  return caught;
}

function clientFor(sandbox: HubSpotSandbox, env: Record<string, string> = {}): HubSpotClient {
  return createHubSpotClient(
    loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN, HUBSPOT_RETRY_BASE_MS: '2', ...env }),
  );
}

async function raw(sandbox: HubSpotSandbox, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${init.token ?? FIXTURE_TOKEN}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

// Reads run against `ro`, which no test mutates; writes and faults use `rw`.
let ro: HubSpotSandbox;
let rw: HubSpotSandbox;
let reader: HubSpotClient;
let writer: HubSpotClient;

before(async () => {
  ro = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
  rw = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
  await ro.listen();
  await rw.listen();
  reader = clientFor(ro);
  writer = clientFor(rw);
});

after(async () => {
  reader.close();
  writer.close();
  await Promise.all([ro.close(), rw.close()]);
});

beforeEach(() => {
  for (const s of [ro, rw]) {
    s.faults.clear();
    s.log.clear();
  }
});

describe('configuration', () => {
  it('reads HUBSPOT_* with defaults and redacts the token when serialised', () => {
    const cfg = loadHubSpotConfig({ HUBSPOT_ACCESS_TOKEN: 'pat-secret-value' });
    assert.equal(cfg.baseUrl, 'https://api.hubapi.com');
    assert.equal(cfg.timeoutMs, 10_000);
    assert.equal(cfg.maxRetries, 2);
    assert.equal(cfg.accessToken, 'pat-secret-value');
    assert.ok(!JSON.stringify(cfg).includes('pat-secret-value'));
  });

  it('names the bad variable in CONFIG_INVALID and never echoes the token', () => {
    for (const [env, variable] of [
      [{}, 'HUBSPOT_ACCESS_TOKEN'],
      [{ HUBSPOT_ACCESS_TOKEN: 'pat-secret-value', HUBSPOT_TIMEOUT_MS: 'soon' }, 'HUBSPOT_TIMEOUT_MS'],
      [{ HUBSPOT_ACCESS_TOKEN: 'pat-secret-value', HUBSPOT_MAX_RETRIES: '9' }, 'HUBSPOT_MAX_RETRIES'],
      [{ HUBSPOT_ACCESS_TOKEN: 'pat-secret-value', HUBSPOT_BASE_URL: 'ftp://api.hubapi.com' }, 'HUBSPOT_BASE_URL'],
    ] as const) {
      assert.throws(
        () => loadHubSpotConfig(env),
        (e: unknown) =>
          isAppError(e) && e.code === 'CONFIG_INVALID' && e.message.includes(variable) && e.details.field === variable && !e.message.includes('pat-secret-value'),
      );
    }
  });
});

describe('objects: list, get, batch read', () => {
  it('pages a list to the end in 3 pages of ≤100, in id order, without duplicates', async () => {
    const ids: string[] = [];
    let afterCursor: string | undefined;
    let pages = 0;
    do {
      const page = await reader.list('companies', { limit: 100, after: afterCursor }, ['name', 'odoo_partner_id']);
      pages += 1;
      assert.ok(page.results.length <= 100);
      ids.push(...page.results.map((o) => o.id));
      afterCursor = page.nextAfter;
    } while (afterCursor !== undefined);
    assert.equal(pages, 3);
    assert.equal(ids.length, FIXTURE_COMPANY_COUNT);
    assert.equal(new Set(ids).size, FIXTURE_COMPANY_COUNT);
    assert.deepEqual(ids, [...ids].sort((a, b) => Number(a) - Number(b)));
    assert.equal(ro.log.count({ operation: 'list', objectType: 'companies' }), 3);
  });

  it('answers list pages in HubSpot\'s shape, paging.next absent on the last page', async () => {
    const first = await raw(ro, '/crm/v3/objects/companies?limit=100&properties=name');
    assert.equal(first.status, 200);
    assert.equal(first.body!.results.length, 100);
    assert.equal(first.body!.paging.next.after, '1101');
    assert.match(first.body!.paging.next.link, /\/crm\/v3\/objects\/companies\?limit=100&after=1101$/);
    const o = first.body!.results[0];
    assert.deepEqual(Object.keys(o), ['id', 'properties', 'createdAt', 'updatedAt', 'archived']);
    assert.deepEqual(Object.keys(o.properties), ['createdate', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
    assert.equal(o.properties.hs_object_id, o.id);
    const last = await raw(ro, '/crm/v3/objects/companies?limit=100&after=1201');
    assert.equal(last.body!.results.length, 60);
    assert.equal(last.body!.paging, undefined);
    const defaults = await raw(ro, '/crm/v3/objects/companies?limit=1');
    assert.deepEqual(Object.keys(defaults.body!.results[0].properties), ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
  });

  it('gets one object with the requested properties plus HubSpot\'s always-returned ones', async () => {
    const o = await reader.getById('companies', '1001', ['name', 'odoo_partner_id']);
    assert.ok(o);
    assert.equal(o.id, '1001');
    assert.deepEqual(Object.keys(o.properties).sort(), ['createdate', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'odoo_partner_id']);
    assert.equal(o.properties.odoo_partner_id, '5000');
    assert.equal(typeof o.createdAt, 'string');
    assert.equal(o.archived, false);
  });

  it('gets by a unique property (idProperty)', async () => {
    const o = await reader.getById('companies', '5007', ['name', 'odoo_partner_id'], { idProperty: 'odoo_partner_id' });
    assert.equal(o?.id, '1008');
    const q = await reader.getById('quotes', 'Q-2026-00003', ['hs_title'], { idProperty: 'quote_number' });
    assert.equal(q?.id, '50003');
    assert.equal(ro.log.entries({ operation: 'get' })[0]!.query.includes('idProperty=odoo_partner_id'), true);
  });

  it('answers 404 with HubSpot\'s body; getById gives null, update gives BACKEND_RECORD_MISSING', async () => {
    const r = await raw(ro, '/crm/v3/objects/companies/999999');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, {
      status: 'error',
      message: 'Object not found.  objectId are usually numeric.',
      correlationId: r.body!.correlationId,
      context: { id: ['999999'] },
      category: 'OBJECT_NOT_FOUND',
    });
    assert.match(r.body!.correlationId, UUID);
    assert.equal(await reader.getById('companies', '999999', ['name']), null);
    assert.equal(await reader.getById('companies', '424242', ['name'], { idProperty: 'odoo_partner_id' }), null);
    const e = await rejectsWith(writer.update('companies', '999999', { name: 'x' }), 'BACKEND_RECORD_MISSING', {
      httpStatus: 404,
      backendName: 'OBJECT_NOT_FOUND',
      model: 'companies',
      recordId: '999999',
    });
    assert.match(String(e.details.correlationId), UUID);
    assert.equal(rw.log.count({ operation: 'update' }), 1, '404 is not retried');
  });

  it('chunks a batch read of 250 ids into 3 calls of ≤100 and keeps the requested order', async () => {
    const ids = companyIds(250).reverse();
    const objects = await reader.batchRead('companies', ids, ['name']);
    assert.deepEqual(objects.map((o) => o.id), ids);
    const calls = ro.log.entries({ operation: 'batch_read', objectType: 'companies' });
    assert.equal(calls.length, 3);
    assert.deepEqual(calls.map((c) => c.inputs).sort((a, b) => a! - b!), [50, 100, 100]);
    assert.ok(calls.every((c) => c.status === 200));
  });

  it('omits ids HubSpot does not know (207) and reads by idProperty', async () => {
    const objects = await reader.batchRead('companies', ['1001', '999999', '1002', '1001'], ['name']);
    assert.deepEqual(objects.map((o) => o.id), ['1001', '1002']);
    assert.equal(ro.log.entries({ operation: 'batch_read' })[0]!.status, 207);
    assert.equal(ro.log.entries({ operation: 'batch_read' })[0]!.inputs, 3, 'duplicate ids are sent once');
    const byOdoo = await reader.batchRead('companies', ['5010', '5003', '424242'], ['odoo_partner_id'], { idProperty: 'odoo_partner_id' });
    assert.deepEqual(byOdoo.map((o) => o.properties.odoo_partner_id), ['5010', '5003']);
    const r = await raw(ro, '/crm/v3/objects/companies/batch/read', { body: { inputs: [{ id: '1001' }, { id: '999999' }], properties: ['name'], propertiesWithHistory: [] } });
    assert.equal(r.status, 207);
    assert.equal(r.body!.status, 'COMPLETE');
    assert.equal(r.body!.results.length, 1);
    assert.equal(r.body!.numErrors, 1);
    assert.deepEqual(r.body!.errors, [
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some COMPANY objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: ['999999'] },
        errors: [],
        links: {},
      },
    ]);
    assert.ok(!Number.isNaN(Date.parse(r.body!.startedAt)) && !Number.isNaN(Date.parse(r.body!.completedAt)));
  });

  it('refuses 101 batch inputs with a 400 VALIDATION_ERROR; the connector never sends more than 100', async () => {
    const r = await raw(ro, '/crm/v3/objects/companies/batch/read', { body: { inputs: companyIds(101).map((id) => ({ id })), properties: [] } });
    assert.equal(r.status, 400);
    assert.equal(r.body!.status, 'error');
    assert.equal(r.body!.category, 'VALIDATION_ERROR');
    assert.match(r.body!.message, /at most 100 inputs/);
    assert.match(r.body!.correlationId, UUID);
    ro.log.clear();
    const objects = await reader.batchRead('companies', companyIds(101), []);
    assert.equal(objects.length, 101);
    assert.deepEqual(ro.log.entries({ operation: 'batch_read' }).map((c) => c.inputs).sort((a, b) => a! - b!), [1, 100]);
  });

  it('turns the fixture\'s objects into typed records', async () => {
    const page = await reader.list('quotes', { limit: 100 }, ['hs_title', 'hs_status', 'hs_expiration_date', 'hs_quote_amount', 'incoterm', 'quote_number']);
    const quotes = parseObjects('quotes', page.results);
    assert.equal(quotes.length, 20);
    assert.equal(quotes[0]!.hs_quote_amount, 2000);
    assert.equal(quotes[0]!.hs_expiration_date, '2026-03-31');
    assert.deepEqual(new Set(quotes.map((q) => q.hs_status)), new Set(['DRAFT', 'APPROVAL_NOT_NEEDED', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED']));
  });
});

describe('search', () => {
  const segment = (value: string) => ({ propertyName: 'segment', operator: 'EQ', value });

  it('pages a filtered search to the end with a stable total', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await reader.search('companies', {
        filterGroups: [{ filters: [segment('smb')] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        properties: ['name', 'segment'],
        limit: 30,
        after: cursor,
      });
      pages += 1;
      assert.equal(page.total, 65);
      assert.ok(page.results.every((o) => o.properties.segment === 'smb'));
      seen.push(...page.results.map((o) => o.id));
      cursor = page.nextAfter;
    } while (cursor !== undefined);
    assert.equal(pages, 3);
    assert.equal(seen.length, 65);
    assert.equal(new Set(seen).size, 65);
    assert.equal(ro.log.count({ operation: 'search', objectType: 'companies' }), 3);
  });

  it('evaluates operators like HubSpot (OR of groups, AND inside, dates as epoch ms)', async () => {
    const count = async (filterGroups: Array<{ filters: Array<Record<string, any>> }>) =>
      (await reader.search('companies', { filterGroups: filterGroups as never, properties: ['name'], limit: 1 })).total;
    assert.equal(await count([{ filters: [segment('smb')] }, { filters: [segment('enterprise')] }]), 130);
    assert.equal(await count([{ filters: [segment('smb'), { propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' }] }]), 65);
    assert.equal(await count([{ filters: [{ propertyName: 'lifecyclestage', operator: 'IN', values: ['customer', 'other'] }] }]), 130);
    assert.equal(await count([{ filters: [{ propertyName: 'hs_object_id', operator: 'BETWEEN', value: '1001', highValue: '1010' }] }]), 10);
    assert.equal(await count([{ filters: [{ propertyName: 'odoo_partner_id', operator: 'NOT_HAS_PROPERTY' }] }]), 10);
    assert.equal(await count([{ filters: [{ propertyName: 'domain', operator: 'HAS_PROPERTY' }] }]), 234);
    assert.equal(await count([{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: '05*' }] }]), 10);
    assert.equal(await count([{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: '1250' }] }]), 10);
    const since = String(Date.UTC(2025, 0, 1 + 257, 0, 0, 0));
    assert.equal(await count([{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: since }] }]), 10);
  });

  it('refuses filter limits and bad operators with HubSpot\'s 400 VALIDATION_ERROR bodies', async () => {
    const f = segment('smb');
    const cases: Array<[unknown, RegExp]> = [
      [{ filterGroups: Array.from({ length: 6 }, () => ({ filters: [f] })) }, /at most 5 filterGroups/],
      [{ filterGroups: [{ filters: Array.from({ length: 11 }, () => f) }] }, /at most 10 filters/],
      [{ filterGroups: Array.from({ length: 3 }, () => ({ filters: Array.from({ length: 9 }, () => f) })) }, /at most 25 filters/],
      [{ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'LIKE', value: 'x' }] }] }, /FilterOperator.*LIKE/],
      [{ filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'BETWEEN', value: '1' }] }] }, /BETWEEN requires a highValue/],
      [{ filterGroups: [], limit: 201 }, /maximum of 200/],
      [{ filterGroups: [], after: '10000' }, /at most 10000 results/],
    ];
    await new Promise((r) => setTimeout(r, 1000)); // the earlier tests' searches leave the window
    for (const [body, message] of cases) {
      // Raw calls are not paced by the connector: keep under search's 4 requests a second.
      await new Promise((r) => setTimeout(r, 260));
      const r = await raw(ro, '/crm/v3/objects/companies/search', { body });
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      assert.deepEqual(Object.keys(r.body!).sort(), ['category', 'correlationId', 'message', 'status']);
      assert.equal(r.body!.status, 'error');
      assert.equal(r.body!.category, 'VALIDATION_ERROR');
      assert.match(r.body!.message, message);
    }
    // A 5-group, 25-filter request is within the limits.
    await new Promise((r) => setTimeout(r, 260));
    const ok = await raw(ro, '/crm/v3/objects/companies/search', { body: { filterGroups: Array.from({ length: 5 }, () => ({ filters: Array.from({ length: 5 }, () => f) })) } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body!.total, 65);
    await new Promise((r) => setTimeout(r, 1000)); // leave search's window as the paced client expects it
  });

  it('maps a refused search to BACKEND_VALIDATION without retrying', async () => {
    await rejectsWith(
      reader.search('companies', { filterGroups: Array.from({ length: 6 }, () => ({ filters: [segment('smb')] })), properties: [] }),
      'BACKEND_VALIDATION',
      { httpStatus: 400, backendName: 'VALIDATION_ERROR', operation: 'search', model: 'companies' },
    );
    assert.equal(ro.log.count({ operation: 'search' }), 1);
  });
});

describe('writes', () => {
  it('creates (201, id above the max) and clears a property with an empty string', async () => {
    const r = await raw(rw, '/crm/v3/objects/products', { body: { properties: { name: 'Raw Gear', hs_sku: 'RAW-1', price: '9.90' } } });
    assert.equal(r.status, 201);
    assert.ok(BigInt(r.body!.id) > 30010n);
    const created = await writer.create('companies', { name: 'Acme Tooling', domain: 'acme.example', odoo_partner_id: '9100', segment: 'enterprise' });
    assert.ok(BigInt(created.id) > BigInt(FIRST_COMPANY_ID + FIXTURE_COMPANY_COUNT - 1));
    assert.equal(created.properties.name, 'Acme Tooling');
    assert.equal(created.properties.hs_object_id, created.id);
    const updated = await writer.update('companies', created.id, { domain: '', name: 'Acme Tooling GmbH' });
    assert.ok(!('domain' in updated.properties), 'a cleared property has no value, so HubSpot leaves it out');
    assert.equal(updated.properties.name, 'Acme Tooling GmbH');
    const again = await writer.getById('companies', created.id, ['domain', 'name']);
    assert.deepEqual(Object.keys(again!.properties).sort(), ['createdate', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
    assert.ok(Date.parse(again!.updatedAt) >= Date.parse(created.updatedAt));
    const byRef = await writer.getById('companies', '9100', ['name'], { idProperty: 'odoo_partner_id' });
    assert.equal(byRef?.id, created.id);
  });

  it('refuses a duplicate unique value with 409 → BACKEND_CONFLICT, and never re-sends a create', async () => {
    await rejectsWith(writer.create('companies', { name: 'Clash', odoo_partner_id: '5003' }), 'BACKEND_CONFLICT', {
      httpStatus: 409,
      backendName: 'CONFLICT',
      model: 'companies',
    });
    assert.equal(rw.log.count({ operation: 'create' }), 1);
  });

  it('maps invalid property values to BACKEND_VALIDATION', async () => {
    const r = await raw(rw, '/crm/v3/objects/companies', { body: { properties: { colour: 'red' } } });
    assert.equal(r.status, 400);
    assert.equal(r.body!.category, 'VALIDATION_ERROR');
    assert.match(r.body!.message, /^Property values were not valid: \[\{"isValid":false,"message":"Property \\"colour\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"colour"/);
    assert.deepEqual(r.body!.errors, [{ message: 'Property "colour" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['colour'] } }]);
    const unknown = await rejectsWith(writer.update('companies', '1001', { colour: 'red' }), 'BACKEND_VALIDATION', { httpStatus: 400 });
    assert.match(unknown.message, /PROPERTY_DOESNT_EXIST/);
    const option = await rejectsWith(writer.update('companies', '1001', { segment: 'galactic' }), 'BACKEND_VALIDATION');
    assert.match(option.message, /INVALID_OPTION/);
  });

  it('batch upserts by a unique property; results say which are new', async () => {
    const results = await writer.batchUpsert('companies', 'odoo_partner_id', [
      { id: '5001', properties: { name: 'Company 001 (renamed)' } },
      { id: '7777', properties: { name: 'Brand New Co' } },
    ]);
    assert.equal(results.length, 2);
    const byRef = new Map(results.map((r) => [r.properties.odoo_partner_id, r]));
    assert.equal(byRef.get('5001')?.new, false);
    assert.equal(byRef.get('5001')?.id, '1002');
    assert.equal(byRef.get('7777')?.new, true);
    const second = await writer.batchUpsert('companies', 'odoo_partner_id', [{ id: '7777', properties: { name: 'Brand New Co' } }]);
    assert.equal(second[0]!.new, false);
    assert.equal(second[0]!.id, byRef.get('7777')!.id);
    assert.deepEqual(rw.log.entries({ operation: 'batch_upsert' }).map((e) => e.inputs), [2, 1]);
    rw.log.clear();
    const many = await writer.batchUpsert('products', 'hs_sku', Array.from({ length: 150 }, (_, i) => ({ id: `BULK-${i}`, properties: { name: `Bulk ${i}` } })));
    assert.equal(many.length, 150);
    assert.ok(many.every((r) => r.new));
    assert.deepEqual(rw.log.entries({ operation: 'batch_upsert' }).map((e) => e.inputs).sort((a, b) => a! - b!), [50, 100]);
  });
});

describe('associations v4', () => {
  it('batch reads associations and follows per-input paging beyond one page', async () => {
    const map = await reader.associations('companies', [BIG_COMPANY_ID, '1002', '1260'], 'contacts');
    assert.equal(map.get(BIG_COMPANY_ID)!.length, BIG_COMPANY_CONTACTS);
    assert.equal(new Set(map.get(BIG_COMPANY_ID)).size, BIG_COMPANY_CONTACTS);
    assert.deepEqual(map.get('1002'), ['20521']);
    assert.deepEqual(map.get('1260'), []);
    const calls = ro.log.entries({ operation: 'associations_batch_read' });
    assert.deepEqual(calls.map((c) => c.inputs), [3, 1], 'one call for all ids, then one for the second page of the big company');
    assert.deepEqual(calls.map((c) => c.status), [207, 200]);
  });

  it('answers both directions with HubSpot\'s type ids and its 207 for objects without associations', async () => {
    const r = await raw(ro, '/crm/v4/associations/companies/contacts/batch/read', { body: { inputs: [{ id: BIG_COMPANY_ID }, { id: '1260' }] } });
    assert.equal(r.status, 207);
    const result = r.body!.results[0];
    assert.deepEqual(result.from, { id: BIG_COMPANY_ID });
    assert.equal(result.to.length, 500);
    assert.equal(typeof result.to[0].toObjectId, 'number');
    assert.deepEqual(result.to[0].associationTypes, [{ category: 'HUBSPOT_DEFINED', typeId: 2, label: null }]);
    assert.equal(typeof result.paging.next.after, 'string');
    assert.deepEqual(r.body!.errors, [
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
        message: 'No contact is associated with company 1260.',
        context: { fromObjectId: ['1260'], fromObjectType: ['company'], toObjectType: ['contact'] },
        errors: [],
        links: {},
      },
    ]);
    const reverse = await raw(ro, '/crm/v4/associations/contacts/companies/batch/read', { body: { inputs: [{ id: '20001' }] } });
    assert.equal(reverse.status, 200);
    assert.deepEqual(reverse.body!.results[0].to, [{ toObjectId: 1001, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: null }] }]);
    const single = await raw(ro, `/crm/v4/objects/companies/${BIG_COMPANY_ID}/associations/contacts?limit=500`);
    assert.equal(single.body!.results.length, 500);
    const rest = await raw(ro, `/crm/v4/objects/companies/${BIG_COMPANY_ID}/associations/contacts?after=${single.body!.paging.next.after}`);
    assert.equal(rest.body!.results.length, 20);
    assert.equal(rest.body!.paging, undefined);
  });

  it('chunks association reads by 1,000 inputs', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => String(900000 + i));
    const map = await reader.associations('companies', ids, 'contacts');
    assert.equal(map.size, 1001);
    assert.ok([...map.values()].every((v) => v.length === 0));
    assert.deepEqual(ro.log.entries({ operation: 'associations_batch_read' }).map((c) => c.inputs).sort((a, b) => a! - b!), [1, 1000]);
  });

  it('associates two objects with the default type (PUT) and reads it back', async () => {
    await writer.associate('quotes', '50002', 'companies', '1200');
    const calls = rw.log.entries({ operation: 'associate' });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.method, 'PUT');
    assert.equal(calls[0]!.path, '/crm/v4/objects/quotes/50002/associations/default/companies/1200');
    const map = await writer.associations('quotes', ['50002'], 'companies');
    assert.deepEqual(map.get('50002')!.sort(), ['1002', '1200']);
    const back = await writer.associations('companies', ['1200'], 'quotes');
    assert.deepEqual(back.get('1200'), ['50002']);
    await rejectsWith(writer.associate('quotes', '50002', 'companies', '999999'), 'BACKEND_RECORD_MISSING', { httpStatus: 404 });
  });
});

describe('owners', () => {
  it('lists active owners', async () => {
    const owners = await reader.listOwners();
    assert.deepEqual(owners.map((o) => o.id), ['70', '71', '72']);
    assert.equal(owners[0]!.email, 'rita.rep@example.com');
    assert.equal(ro.log.count({ operation: 'owners_list' }), 1);
    const one = await raw(ro, '/crm/v3/owners/71');
    assert.equal(one.status, 200);
    assert.equal(one.body!.email, 'sam.sales@example.com');
    assert.equal(one.body!.type, 'PERSON');
    assert.equal((await raw(ro, '/crm/v3/owners/73')).status, 404, 'archived owners only with archived=true');
    assert.equal((await raw(ro, '/crm/v3/owners/73?archived=true')).status, 200);
  });
});

describe('v3 associations parameter', () => {
  it('adds associated ids to a get when asked', async () => {
    const r = await raw(ro, '/crm/v3/objects/quotes/50001?properties=hs_title&associations=companies,line_items,deals');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body!.associations.companies.results, [{ id: '1001', type: 'quote_to_company' }]);
    assert.deepEqual(r.body!.associations.line_items.results.map((a: { id: string }) => a.id), ['60001', '60002']);
    assert.equal(r.body!.associations.deals.results.length, 1);
  });
});

describe('failure modes', () => {
  it('answers 429 with HubSpot\'s exact body and rate-limit headers', async () => {
    rw.faults.add({ kind: 'rate_limit', policy: 'TEN_SECONDLY_ROLLING', times: 1 });
    const r = await raw(rw, '/crm/v3/objects/companies/1001');
    assert.equal(r.status, 429);
    assert.deepEqual(r.body, {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: r.body!.correlationId,
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    assert.match(r.body!.correlationId, UUID);
    assert.equal(r.headers.get('x-hubspot-ratelimit-max'), '190');
    assert.equal(r.headers.get('x-hubspot-ratelimit-remaining'), '0');
    assert.equal(r.headers.get('x-hubspot-ratelimit-interval-milliseconds'), '10000');
    assert.equal(r.headers.get('x-hubspot-ratelimit-daily'), '650000', 'a Professional portal by default');
    assert.match(r.headers.get('x-hubspot-ratelimit-daily-remaining') ?? '', /^\d+$/);
    const ok = await raw(rw, '/crm/v3/objects/companies/1001');
    assert.equal(ok.status, 200);
    assert.ok(Number(ok.headers.get('x-hubspot-ratelimit-remaining')) < 190);
    assert.equal(ok.headers.get('x-hubspot-ratelimit-max'), '190');
  });

  it('retries a 429 and succeeds', async () => {
    rw.faults.add({ kind: 'rate_limit', times: 1, operation: 'get' });
    const o = await writer.getById('companies', '1001', ['name']);
    assert.equal(o?.id, '1001');
    assert.deepEqual(rw.log.entries({ operation: 'get' }).map((e) => e.status), [429, 200]);
  });

  it('gives BACKEND_RATE_LIMITED with retryAfterMs once retries are spent', async () => {
    rw.faults.add({ kind: 'rate_limit', times: 3 });
    await rejectsWith(writer.getById('companies', '1001', ['name']), 'BACKEND_RATE_LIMITED', {
      httpStatus: 429,
      backendName: 'TEN_SECONDLY_ROLLING',
      retryAfterMs: 10_000,
      attempts: 3,
    });
    assert.deepEqual(rw.log.entries({ operation: 'get' }).map((e) => e.status), [429, 429, 429]);
  });

  it('does not retry the DAILY policy, and reports Retry-After when HubSpot sends it', async () => {
    rw.faults.add({ kind: 'rate_limit', policy: 'DAILY', times: 1 });
    const daily = await rejectsWith(writer.getById('companies', '1001', []), 'BACKEND_RATE_LIMITED', { backendName: 'DAILY', attempts: 1 });
    assert.equal(daily.details.retryAfterMs, undefined);
    assert.equal(rw.log.count({ operation: 'get' }), 1);
    const once = clientFor(rw, { HUBSPOT_MAX_RETRIES: '0' });
    rw.faults.add({ kind: 'rate_limit', retryAfterSeconds: 3, times: 1 });
    await rejectsWith(once.getById('companies', '1001', []), 'BACKEND_RATE_LIMITED', { retryAfterMs: 3000 });
    once.close();
  });

  it('gives BACKEND_RATE_LIMITED when the sandbox enforces a real 10-second window', async () => {
    const tight = createHubSpotSandbox({ dataset: buildHubSpotFixture(), rateLimit: { max: 3 } });
    await tight.listen();
    // Unpaced, as a client without pacing (or a second process) would be.
    const client = clientFor(tight, { HUBSPOT_MAX_RETRIES: '0', HUBSPOT_PACING: 'off' });
    try {
      for (let i = 0; i < 3; i += 1) assert.ok(await client.getById('companies', '1001', []));
      await rejectsWith(client.getById('companies', '1001', []), 'BACKEND_RATE_LIMITED', { backendName: 'TEN_SECONDLY_ROLLING' });
      assert.deepEqual(tight.log.entries().map((e) => e.status), [200, 200, 200, 429]);
    } finally {
      client.close();
      await tight.close();
    }
  });

  it('retries a 5xx on a read and succeeds', async () => {
    rw.faults.add({ kind: 'error', status: 503, times: 1 });
    const objects = await writer.batchRead('companies', ['1001', '1002'], ['name']);
    assert.equal(objects.length, 2);
    assert.deepEqual(rw.log.entries({ operation: 'batch_read' }).map((e) => e.status), [503, 200]);
  });

  it('gives BACKEND_UNAVAILABLE after bounded retries of a persistent 5xx (JSON or the edge\'s HTML)', async () => {
    rw.faults.add({ kind: 'error', status: 500 });
    await rejectsWith(writer.getById('companies', '1001', []), 'BACKEND_UNAVAILABLE', { httpStatus: 500, backendName: 'INTERNAL_ERROR', attempts: 3 });
    assert.equal(rw.log.count({ operation: 'get' }), 3);
    rw.faults.clear();
    rw.faults.add({ kind: 'error', status: 502 });
    const html = await rejectsWith(writer.list('companies', { limit: 1 }, []), 'BACKEND_UNAVAILABLE', { httpStatus: 502 });
    assert.match(html.message, /502 Bad Gateway/);
  });

  it('never re-sends a create after a 5xx or a reset (HubSpot may have processed it)', async () => {
    rw.faults.add({ kind: 'error', status: 500, operation: 'create' });
    await rejectsWith(writer.create('companies', { name: 'Maybe Twice' }), 'BACKEND_UNAVAILABLE', { attempts: 1 });
    rw.faults.clear();
    rw.faults.add({ kind: 'down', operation: 'create' });
    await rejectsWith(writer.create('companies', { name: 'Maybe Twice' }), 'BACKEND_UNAVAILABLE', { attempts: 1 });
    assert.equal(rw.log.count({ operation: 'create' }), 2);
    // A 429 means HubSpot refused before processing: a create may be retried.
    rw.faults.clear();
    rw.faults.add({ kind: 'rate_limit', operation: 'create', times: 1 });
    const created = await writer.create('companies', { name: 'After 429' });
    assert.equal(created.properties.name, 'After 429');
    assert.deepEqual(rw.log.entries({ operation: 'create' }).slice(-2).map((e) => e.status), [429, 201]);
  });

  it('retries a dropped connection on a read and succeeds', async () => {
    rw.faults.add({ kind: 'down', times: 1 });
    const o = await writer.getById('companies', '1001', []);
    assert.equal(o?.id, '1001');
    assert.deepEqual(rw.log.entries({ operation: 'get' }).map((e) => e.fault ?? e.status), ['down', 200]);
  });

  it('gives BACKEND_UNAVAILABLE when HubSpot cannot be reached at all', async () => {
    const closed = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    const url = await closed.listen();
    await closed.close();
    const client = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: url, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN, HUBSPOT_RETRY_BASE_MS: '1', HUBSPOT_MAX_RETRIES: '1' }));
    await rejectsWith(client.getById('companies', '1001', []), 'BACKEND_UNAVAILABLE', { backendName: 'ECONNREFUSED', attempts: 2 });
    client.close();
  });

  it('times out a hung request and gives BACKEND_UNAVAILABLE; a hang once is retried', async () => {
    const impatient = clientFor(rw, { HUBSPOT_TIMEOUT_MS: '250', HUBSPOT_MAX_RETRIES: '0' });
    rw.faults.add({ kind: 'hang', times: 1 });
    await rejectsWith(impatient.getById('companies', '1001', []), 'BACKEND_UNAVAILABLE', { timeout: true, attempts: 1 });
    impatient.close();
    assert.deepEqual(rw.log.entries({ operation: 'get' }).map((e) => [e.fault, e.status]), [['hang', undefined]]);
    rw.log.clear();
    const patient = clientFor(rw, { HUBSPOT_TIMEOUT_MS: '250', HUBSPOT_MAX_RETRIES: '1' });
    rw.faults.add({ kind: 'hang', times: 1 });
    assert.equal((await patient.getById('companies', '1001', []))?.id, '1001');
    assert.deepEqual(rw.log.entries({ operation: 'get' }).map((e) => e.status), [undefined, 200]);
    patient.close();
  });

  it('gives BACKEND_ACCESS_DENIED when the token lacks a scope (HubSpot\'s 403 MISSING_SCOPES)', async () => {
    const scoped = createHubSpotSandbox({ dataset: buildHubSpotFixture(), tokenScopes: { [FIXTURE_TOKEN]: ['crm.objects.companies.read'] } });
    await scoped.listen();
    const client = clientFor(scoped);
    try {
      assert.ok(await client.getById('companies', '1001', []));
      const r = await raw(scoped, '/crm/v3/objects/deals/40001');
      assert.equal(r.status, 403);
      assert.equal(r.body!.category, 'MISSING_SCOPES');
      assert.deepEqual(r.body!.errors[0].context, { requiredGranularScopes: ['crm.objects.deals.read'] });
      await rejectsWith(client.update('companies', '1001', { name: 'x' }), 'BACKEND_ACCESS_DENIED', { httpStatus: 403, backendName: 'MISSING_SCOPES' });
      assert.equal(scoped.log.count({ operation: 'update' }), 1, '403 is not retried');
    } finally {
      client.close();
      await scoped.close();
    }
  });

  it('treats 423 Locked as throttling: BACKEND_RATE_LIMITED with HubSpot\'s 2-second advice', async () => {
    const once = clientFor(rw, { HUBSPOT_MAX_RETRIES: '0' });
    rw.faults.add({ kind: 'error', status: 423, times: 1 });
    await rejectsWith(once.batchUpsert('companies', 'odoo_partner_id', [{ id: '5001', properties: { name: 'x' } }]), 'BACKEND_RATE_LIMITED', {
      httpStatus: 423,
      backendName: 'LOCKED',
      retryAfterMs: 2000,
    });
    once.close();
  });

  it('gives BACKEND_AUTH_FAILED for a bad token (HubSpot\'s 401 body), not retried, token never in the error', async () => {
    const r = await raw(rw, '/crm/v3/objects/companies/1001', { token: 'pat-na1-wrong' });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, {
      status: 'error',
      message:
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      correlationId: r.body!.correlationId,
      category: 'INVALID_AUTHENTICATION',
    });
    rw.log.clear();
    const bad = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: rw.url!, HUBSPOT_ACCESS_TOKEN: 'pat-na1-wrong-secret', HUBSPOT_RETRY_BASE_MS: '1' }));
    const e = await rejectsWith(bad.getById('companies', '1001', []), 'BACKEND_AUTH_FAILED', { httpStatus: 401, backendName: 'INVALID_AUTHENTICATION' });
    assert.ok(!e.message.includes('wrong-secret') && !JSON.stringify(e.details).includes('wrong-secret'));
    assert.equal(rw.log.count(), 1);
    bad.close();
  });

  it('forwards X-Request-Id on every call, retries included', async () => {
    rw.faults.add({ kind: 'error', status: 503, times: 1 });
    await writer.getById('companies', '1001', [], { requestId: 'req-7f3a-conformance' });
    await writer.search('companies', { filterGroups: [], properties: [], limit: 1 }, { requestId: 'req-search-0001' });
    await writer.associations('companies', ['1001'], 'contacts', { requestId: 'req-assoc-0001' });
    assert.deepEqual(rw.log.entries({ operation: 'get' }).map((e) => e.requestId), ['req-7f3a-conformance', 'req-7f3a-conformance']);
    assert.deepEqual(rw.log.entries({ operation: 'search' }).map((e) => e.requestId), ['req-search-0001']);
    assert.ok(rw.log.entries({ operation: 'associations_batch_read' }).every((e) => e.requestId === 'req-assoc-0001'));
    rw.log.clear();
    assert.ok(await writer.getById('companies', '1001', [], { requestId: 'bad\r\nX-Injected: 1' }), 'an unsafe id is dropped, not fatal');
    assert.equal(rw.log.entries({ operation: 'get' })[0]!.requestId, undefined);
  });

  it('rejects malformed objects at the boundary with MAPPING_ERROR / BACKEND_PROTOCOL; a non-string property costs only that property', async () => {
    rw.faults.add({ kind: 'malformed', shape: 'number_property', objectType: 'companies', times: 1 });
    const page = await writer.list('companies', { limit: 5 }, ['name']);
    assert.equal(page.results.length, 5, 'the page arrives');
    const [bad, ...rest] = page.results;
    assert.deepEqual(bad!.unreadable, { name: 12345 });
    assert.equal('name' in bad!.properties, false, 'never handed on as a string it is not');
    assert.ok(rest.every((o) => o.unreadable === undefined && typeof o.properties.name === 'string'));
    await rejectsWith(Promise.resolve().then(() => parseObjects('companies', [bad])), 'MAPPING_ERROR', { model: 'companies', recordId: bad!.id, field: 'name' });
    rw.faults.add({ kind: 'malformed', shape: 'missing_id', objectType: 'companies', times: 1 });
    await rejectsWith(writer.batchRead('companies', ['1001'], ['name']), 'MAPPING_ERROR', { model: 'companies', field: 'id' });
    rw.faults.add({ kind: 'malformed', shape: 'null_properties', objectType: 'companies', times: 1 });
    await rejectsWith(writer.getById('companies', '1001', ['name']), 'MAPPING_ERROR', { recordId: '1001', field: 'properties' });
    rw.faults.add({ kind: 'malformed', shape: 'bad_json', objectType: 'companies', times: 1 });
    await rejectsWith(writer.search('companies', { filterGroups: [], properties: ['name'], limit: 3 }), 'BACKEND_PROTOCOL', { httpStatus: 200 });
    // Scoped to companies: contacts still read fine.
    rw.faults.add({ kind: 'malformed', objectType: 'companies' });
    assert.equal((await writer.list('contacts', { limit: 2 }, ['email'])).results.length, 2);
  });

  it('takes fault switches and serves the request log over the loopback admin endpoint', async () => {
    const post = await fetch(`${rw.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error', status: 504, times: 1, operation: 'get' }),
    });
    assert.equal(post.status, 201);
    const listed = (await (await fetch(`${rw.url}/__sandbox/faults`)).json()) as { faults: unknown[] };
    assert.equal(listed.faults.length, 1);
    assert.equal((await writer.getById('companies', '1001', []))?.id, '1001');
    const after = (await (await fetch(`${rw.url}/__sandbox/faults`)).json()) as { faults: unknown[] };
    assert.equal(after.faults.length, 0, 'a `times: 1` fault is consumed');
    const log = (await (await fetch(`${rw.url}/__sandbox/requests?operation=get`)).json()) as { requests: Array<{ status: number }> };
    assert.deepEqual(log.requests.map((e) => e.status), [504, 200]);
    const bad = await fetch(`${rw.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'meteor' }) });
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${rw.url}/__sandbox/requests`, { method: 'DELETE' })).status, 204);
    assert.equal(rw.log.count(), 0);
  });
});
