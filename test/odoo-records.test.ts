// The Odoo record reader (connectors/odoo/records.ts) that both the Odoo subgraph's
// loaders and the writes subgraph read through: the session's companies, context and
// row limit on every call, and the two ways of meeting a value that does not fit.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../policy/errors.ts';
import { createOdooSandbox, type OdooSandbox } from '../sandboxes/odoo/server.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';
import { warehouseContextKey, wireFields } from '../connectors/odoo/versions.ts';
import { buildOdooFixture, FIXTURE_DB, FIXTURE_USERS } from '../sandboxes/odoo/fixtures.ts';
import { createOdooClient, type OdooClient } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { MasterDataCache } from '../core/cache.ts';
import { READ_FIELDS } from '../connectors/odoo/canonical.ts';
import {
  apiUserCompanyIds, countRows, readRowsKeepingFieldErrors, searchRows, searchRowsKeepingFieldErrors, UNRESTRICTED,
  type OdooRowScope, type OdooSession,
} from '../connectors/odoo/records.ts';

describe('Odoo record reader', () => {
  let sandbox: OdooSandbox;
  let client: OdooClient;
  const cache = new MasterDataCache({ namespace: 'records-test', ttlMs: 0 });
  const session = (over: Partial<OdooSession> = {}): OdooSession => ({ client, cache, companyIds: [1, 2], requestId: 'req-records', scope: UNRESTRICTED, ...over });
  const calls = (model: string) => sandbox.log.entries({ model });

  before(async () => {
    sandbox = createOdooSandbox({ dataset: buildOdooFixture() });
    const url = await sandbox.listen(0);
    client = createOdooClient(loadOdooConfig({ ODOO_URL: url, ODOO_DB: FIXTURE_DB, ODOO_LOGIN: FIXTURE_USERS.integration.login, ODOO_API_KEY: FIXTURE_USERS.integration.apiKey, ODOO_PROTOCOL: protocolsOf(sandbox.version)[0]!, ODOO_RETRY_BASE_MS: '5' }));
  });
  afterEach(() => {
    sandbox.faults.clear();
    sandbox.log.clear();
  });
  after(async () => {
    await client.close();
    await sandbox.close();
  });

  test('reads the canonical fields, parsed, in the session companies and under its request id', async () => {
    const [order] = await searchRows(session(), 'sale.order', [['id', '=', 1]]);
    assert.equal(order!.name, 'S00001');
    assert.deepEqual(order!.partner_id, { id: 1, name: order!.partner_id!.name });
    assert.match(order!.date_order!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const [entry] = calls('sale.order');
    // Asked for in the sandbox version's own names (odoo-versions.test.ts checks those per version).
    assert.deepEqual(entry!.fields, wireFields(sandbox.version, 'sale.order', READ_FIELDS['sale.order']));
    assert.deepEqual(entry!.context, { allowed_company_ids: [1, 2] });
    assert.equal(entry!.requestId, 'req-records');
  });

  test('named fields only, and extra context for one call (archived records)', async () => {
    const rows = await searchRows(session(), 'product.product', [['default_code', '=', 'OLD-1']], { context: { active_test: false } }, ['default_code', 'active']);
    assert.deepEqual(rows, [{ id: 4, default_code: 'OLD-1', active: false }]);
    assert.deepEqual(calls('product.product')[0]!.context, { allowed_company_ids: [1, 2], active_test: false });
    assert.deepEqual(await searchRows(session(), 'product.product', [['default_code', '=', 'OLD-1']], {}, ['default_code']), []);
  });

  test('the row limit is ANDed into every search and count', async () => {
    const onlyOrder2: OdooRowScope = { key: 'test', domainFor: async (model) => (model === 'sale.order' ? [['id', '=', 2]] : null) };
    const rows = await searchRows(session({ scope: onlyOrder2 }), 'sale.order', [['id', 'in', [1, 2]]], {}, ['name']);
    assert.deepEqual(rows.map((r) => r.id), [2]);
    assert.equal(await countRows(session({ scope: onlyOrder2 }), 'sale.order', [['id', 'in', [1, 2]]]), 1);
    assert.equal(await countRows(session(), 'sale.order', [['id', 'in', [1, 2]]]), 2);
  });

  test('a read by id is refused for a row-limited model, before anything is asked of Odoo', async () => {
    const limited: OdooRowScope = { key: 'test', domainFor: async () => [['id', '=', 0]] };
    await assert.rejects(readRowsKeepingFieldErrors(session({ scope: limited }), 'product.product', [1], ['free_qty']), (e: unknown) => isAppError(e) && e.code === 'FORBIDDEN');
    assert.equal(calls('product.product').length, 0);
    const [row] = await readRowsKeepingFieldErrors(session(), 'product.product', [1], ['free_qty'], { warehouse_id: 1 });
    assert.equal(typeof row!.free_qty, 'number');
    assert.equal(calls('product.product')[0]!.context![warehouseContextKey(sandbox.version)], 1);
  });

  test('a value that does not fit: searchRows refuses the answer, the field-wise read keeps the rest', async () => {
    sandbox.faults.malformed('sale.order', 'many2one_string', { times: 1, field: 'partner_id' });
    await assert.rejects(
      searchRows(session(), 'sale.order', [['id', 'in', [1, 2]]], { order: 'id asc' }, ['name', 'partner_id']),
      (e: unknown) => isAppError(e) && e.code === 'MAPPING_ERROR' && e.details.recordId === 1 && e.details.field === 'partner_id',
    );
    sandbox.faults.malformed('sale.order', 'many2one_string', { times: 1, field: 'partner_id' });
    const rows = await searchRowsKeepingFieldErrors(session(), 'sale.order', [['id', 'in', [1, 2]]], { order: 'id asc' }, ['name', 'partner_id']);
    assert.deepEqual(rows.map((r) => r.name), ['S00001', 'S00002']);
    assert.ok(isAppError(rows[0]!.partner_id) && rows[0]!.partner_id.code === 'MAPPING_ERROR');
    assert.ok(!isAppError(rows[1]!.partner_id) && rows[1]!.partner_id?.id);
  });

  test('the API user companies, in id order, asked without allowed_company_ids', async () => {
    assert.deepEqual(await apiUserCompanyIds(client, cache, 'req-companies'), [1, 2]);
    assert.equal(calls('res.company')[0]!.context, undefined);
  });
});
