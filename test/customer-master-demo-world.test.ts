// The customer-master flow over the whole demo world: every customer ends up with a
// twin in the other system, every broken cross-reference the seed plants (a reference
// to a deleted record, a mismatched pair, a re-typed duplicate) becomes an exception
// for sales operations instead of a guess, and a second full pass writes nothing and
// adds no exception row.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCustomerMasterFlows } from '../worker/flows/customer-master.ts';
import { loadMasterDataConfig } from '../worker/master-data/config.ts';
import { runFlows, startMasterDataRig, type MasterDataRig } from './support/master-data.ts';

const CONFLICTS = new Set(['hubspot_points_to_missing_partner', 'odoo_points_to_missing_company', 'mismatched_pair', 'duplicate_reference']);

describe('customer master sync of the demo world', () => {
  let rig: MasterDataRig;
  const flows = createCustomerMasterFlows(() => loadMasterDataConfig({}));
  before(async () => {
    rig = await startMasterDataRig();
  });
  after(() => rig.close());

  test('every planted conflict is an exception for sales operations; every clean customer is cross-referenced both ways', async () => {
    await runFlows(rig, flows);
    const open = (await rig.exceptions.query({ teams: null, status: 'OPEN' }, { first: 100 })).rows;
    assert.ok(open.every((e) => e.team === 'SALES_OPERATIONS' && e.type === 'CROSS_REFERENCE_CONFLICT'));
    const planted = rig.world.brokenReferences.filter((b) => CONFLICTS.has(b.kind));
    assert.ok(planted.length >= 4);
    for (const b of planted) {
      assert.ok(open.some((e) => e.objectId === String(b.odooPartnerId) || e.objectId === b.hubspotCompanyId), `${b.kind} (${b.note}) is an exception`);
    }
    const involved = new Set(open.map((e) => e.objectId));
    const companies = rig.hubspotSandbox.store.list('companies');
    for (const p of rig.odooSandbox.store.records('res.partner')) {
      if (!p.is_company || p.parent_id || !((p.customer_rank as number) > 0) || p.active === false || involved.has(String(p.id))) continue;
      const twins = companies.filter((c) => c.properties.odoo_partner_id === String(p.id));
      if (twins.some((c) => involved.has(c.id))) continue;
      assert.equal(twins.length, 1, `partner ${p.id} has one CRM twin`);
      assert.equal(p.ref, twins[0]!.id, `partner ${p.id} names its twin`);
    }
  });

  test('a second full pass writes nothing and adds no exception row', async () => {
    const rows = (await rig.exceptions.query({ teams: null }, { first: 100 })).rows.length;
    await rig.cursors.clear();
    rig.odooSandbox.log.clear();
    rig.hubspotSandbox.log.clear();
    const summary = await runFlows(rig, flows);
    assert.equal(summary.applied, 0);
    assert.equal(rig.odooSandbox.log.count({ method: 'write' }) + rig.odooSandbox.log.count({ method: 'create' }), 0);
    assert.equal(['update', 'batch_upsert', 'create'].reduce((n, op) => n + rig.hubspotSandbox.log.count({ operation: op as 'update' }), 0), 0);
    assert.equal((await rig.exceptions.query({ teams: null }, { first: 100 })).rows.length, rows);
  });
});
