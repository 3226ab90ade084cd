// Writes go to their owner: a mixed updateAccount lands each field in the system
// that owns it and nowhere else; read-only and not-permitted fields are refused
// before anything is written; a half-done write says so and a retry with the
// same key completes only what is missing; a stale write is a CONFLICT.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type Caller, type TestStack } from './support/stack.ts';
import { companyOwner, otherOwner } from './support/world.ts';

const UPDATE = `mutation($id: ID!, $input: AccountUpdateInput!, $key: String!, $e1: DateTime, $e2: DateTime) {
  updateAccount(id: $id, input: $input, idempotencyKey: $key, expectedUpdatedAt: $e1, expectedErpUpdatedAt: $e2) {
    complete replayed writes { system status fields errorCode }
    account { name phone lifecycleStage creditLimit { amount } paymentTerms { id } updatedAt erpUpdatedAt }
  }
}`;

const UPDATE_AS_REP = `mutation($id: ID!, $input: AccountUpdateInput!, $key: String!) {
  updateAccount(id: $id, input: $input, idempotencyKey: $key) { complete writes { system status } account { website creditHold } }
}`;

describe('ownership-routed writes', () => {
  let stack: TestStack;
  let accountId: string;
  let hubspotId: string;
  let partnerId: number;
  let salesOpsAndFinance: Caller;
  before(async () => {
    stack = await startTestStack();
    accountId = stack.world.demo.accountId;
    hubspotId = stack.world.demo.accountHubSpotId;
    partnerId = stack.world.demo.accountOdooId;
    salesOpsAndFinance = { role: 'sales_ops', roles: ['sales_ops', 'finance'], sub: 'ops-and-finance' };
  });
  after(() => stack.close());

  const hubspotCompany = () => stack.hubspotSandbox.store.get('companies', hubspotId)!;
  const odooPartner = () => stack.odooSandbox.store.get('res.partner', partnerId)!;

  test('a mixed update lands each field in its owner and nowhere else', async () => {
    await stack.resetCounters();
    const res = await stack.query(UPDATE, {
      id: accountId, key: 'mixed-0001',
      input: { phone: '+49 40 1234567', lifecycleStage: 'EVANGELIST', creditLimit: 95000, paymentTerms: '4' },
    }, salesOpsAndFinance);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const out = res.data.updateAccount;
    assert.equal(out.complete, true);
    assert.deepEqual(out.writes.map((w: { system: string; status: string; fields: string[] }) => [w.system, w.status, w.fields.sort()]), [
      ['HUBSPOT', 'APPLIED', ['lifecycleStage', 'phone']],
      ['ODOO', 'APPLIED', ['creditLimit', 'paymentTerms']],
    ]);
    // In the systems of record themselves:
    assert.equal(hubspotCompany().properties.phone, '+49 40 1234567');
    assert.equal(hubspotCompany().properties.lifecyclestage, 'evangelist');
    assert.equal((odooPartner().property_payment_term_id as Record<string, number>)['1'], 4);
    assert.equal((odooPartner().credit_limit as Record<string, number>)['1'], 95000);
    // ...and only there: HubSpot got only CRM properties, Odoo only Odoo fields.
    const hsUpdates = stack.hubspotSandbox.log.entries({ operation: 'update' });
    assert.equal(hsUpdates.length, 1);
    const odooWrites = stack.odooSandbox.log.entries({ method: 'write' });
    assert.equal(odooWrites.length, 1);
    assert.deepEqual(Object.keys((odooWrites[0]!.params as { vals: object }).vals).sort(), ['credit_limit', 'property_payment_term_id']);
    assert.notEqual(odooPartner().phone, '+49 40 1234567', 'the CRM-owned phone was not copied into Odoo');
    // The read model shows the new values from their owners.
    assert.equal(out.account.phone, '+49 40 1234567');
    assert.equal(out.account.creditLimit.amount, 95000);
    assert.equal(out.account.paymentTerms.id, '4');
  });

  test('the same key again is a replay: nothing is written twice', async () => {
    await stack.resetCounters();
    const res = await stack.query(UPDATE, {
      id: accountId, key: 'mixed-0001',
      input: { phone: '+49 40 1234567', lifecycleStage: 'EVANGELIST', creditLimit: 95000, paymentTerms: '4' },
    }, salesOpsAndFinance);
    assert.equal(res.data.updateAccount.replayed, true);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update' }), 0);
    assert.equal(stack.odooSandbox.log.count({ method: 'write' }), 0);
    const reused = await stack.query(UPDATE, { id: accountId, key: 'mixed-0001', input: { phone: '+49 40 7654321' } }, salesOpsAndFinance);
    assert.equal(reused.errors?.[0]?.extensions?.code, 'CONFLICT', 'a key reused with another payload is refused');
  });

  test('read-only fields are refused naming their owner, and nothing is written', async () => {
    await stack.resetCounters();
    for (const input of [{ openReceivable: 1 }, { creditHold: false }, { currency: 'USD', name: 'X' }]) {
      const res = await stack.query(UPDATE, { id: accountId, key: `ro-${Object.keys(input)[0]}-01`, input }, salesOpsAndFinance);
      const error = res.errors?.[0];
      assert.equal(error?.extensions?.code, 'READ_ONLY_FIELD', JSON.stringify(res.errors));
      assert.equal(error?.extensions?.owner, 'odoo');
      assert.match(error!.message, /owned by Odoo/);
      assert.match(String(error?.extensions?.field), /^input\./);
    }
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update' }) + stack.odooSandbox.log.count({ method: 'write' }), 0);
  });

  test('a field the caller may not touch is FORBIDDEN before anything is read or written', async () => {
    await stack.resetCounters();
    const salesOps = await stack.query(UPDATE, { id: accountId, key: 'forbid-0001', input: { creditLimit: 1 } }, { role: 'sales_ops' });
    assert.equal(salesOps.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(salesOps.errors?.[0]?.extensions?.field, 'input.creditLimit');
    const finance = await stack.query(UPDATE, { id: accountId, key: 'forbid-0002', input: { name: 'Renamed' } }, { role: 'finance' });
    assert.equal(finance.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const vat = await stack.query(UPDATE, { id: accountId, key: 'forbid-0004', input: { taxId: 'DE123456789' } }, { role: 'finance' });
    assert.equal(vat.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'finance writes credit fields and payment terms only (§5)');
    const bi = await stack.query(UPDATE, { id: accountId, key: 'forbid-0003', input: { name: 'Renamed' } }, { role: 'bi_reader' });
    assert.equal(bi.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(stack.hubspotSandbox.log.count() + stack.odooSandbox.log.count({ method: 'write' }), 0);
  });

  test('a sales rep may change the CRM fields of its own accounts only', async () => {
    const owner = companyOwner(stack.world, hubspotId);
    const mine = await stack.query(UPDATE_AS_REP, { id: accountId, key: 'rep-own-0001', input: { website: 'https://elbtal.example' } }, { role: 'sales_rep', crmOwnerId: owner });
    assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
    assert.equal(hubspotCompany().properties.website, 'https://elbtal.example');
    await stack.resetCounters();
    const notMine = await stack.query(UPDATE_AS_REP, { id: accountId, key: 'rep-other-0001', input: { website: 'https://evil.example' } }, { role: 'sales_rep', crmOwnerId: otherOwner(stack.world, owner) });
    assert.equal(notMine.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update' }), 0);
    assert.equal(hubspotCompany().properties.website, 'https://elbtal.example');
  });

  test('one system failing after the other succeeded is reported exactly; the retry completes only what is missing', async () => {
    await stack.resetCounters();
    stack.odooSandbox.faults.failWith(503, { model: 'res.partner', method: 'write' });
    const input = { segment: 'enterprise', creditLimit: 120000 };
    const first = await stack.query(UPDATE, { id: accountId, key: 'partial-0001', input }, salesOpsAndFinance);
    stack.odooSandbox.faults.clear();
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    const out = first.data.updateAccount;
    assert.equal(out.complete, false);
    assert.deepEqual(out.writes.map((w: { system: string; status: string }) => [w.system, w.status]), [['HUBSPOT', 'APPLIED'], ['ODOO', 'FAILED']]);
    assert.equal(out.writes[1].errorCode, 'BACKEND_UNAVAILABLE');
    assert.equal(hubspotCompany().properties.segment, 'enterprise');
    assert.notEqual((odooPartner().credit_limit as Record<string, number>)['1'], 120000);

    const retry = await stack.query(UPDATE, { id: accountId, key: 'partial-0001', input }, salesOpsAndFinance);
    assert.equal(retry.errors, undefined, JSON.stringify(retry.errors));
    assert.deepEqual(retry.data.updateAccount.writes.map((w: { system: string; status: string }) => [w.system, w.status]), [['HUBSPOT', 'ALREADY_APPLIED'], ['ODOO', 'APPLIED']]);
    assert.equal(retry.data.updateAccount.complete, true);
    assert.equal((odooPartner().credit_limit as Record<string, number>)['1'], 120000);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update' }), 1, 'HubSpot was written once over both calls');
  });

  test('a write based on a stale updatedAt is a CONFLICT and writes nothing', async () => {
    const read = await stack.query('query($id: ID!) { account(id: $id) { updatedAt erpUpdatedAt } }', { id: accountId });
    const { updatedAt, erpUpdatedAt } = read.data.account;
    const stale = new Date(new Date(updatedAt).getTime() - 60_000).toISOString();
    await stack.resetCounters();
    const res = await stack.query(UPDATE, { id: accountId, key: 'stale-0001', input: { name: 'Stale Name GmbH' }, e1: stale }, salesOpsAndFinance);
    assert.equal(res.errors?.[0]?.extensions?.code, 'CONFLICT');
    assert.equal(res.errors?.[0]?.extensions?.system, 'hubspot');
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update' }), 0);
    const staleErp = new Date(new Date(erpUpdatedAt).getTime() - 60_000).toISOString();
    const res2 = await stack.query(UPDATE, { id: accountId, key: 'stale-0002', input: { creditLimit: 1000 }, e2: staleErp }, salesOpsAndFinance);
    assert.equal(res2.errors?.[0]?.extensions?.code, 'CONFLICT');
    assert.equal(stack.odooSandbox.log.count({ method: 'write' }), 0);
    const fresh = await stack.query(UPDATE, { id: accountId, key: 'fresh-0001', input: { name: 'Elbtal Anlagenbau GmbH' }, e1: updatedAt, e2: erpUpdatedAt }, salesOpsAndFinance);
    assert.equal(fresh.errors, undefined, JSON.stringify(fresh.errors));
  });

  test('every write attempt is in the audit trail with before and after, sensitive values masked', async () => {
    const res = await stack.query(`query($id: ID!) { auditLog(first: 50, filter: { object: "Account", objectId: $id }) { totalCount edges { node { action system fields before after actor role outcome idempotencyKey requestId errorCode } } } }`, { id: accountId }, { role: 'integration_admin' });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const entries = res.data.auditLog.edges.map((e: { node: Record<string, unknown> }) => e.node);
    const phone = entries.find((e: { fields: string[]; system: string; idempotencyKey: string }) => e.idempotencyKey === 'mixed-0001' && e.system === 'hubspot');
    assert.ok(phone);
    assert.equal(phone.outcome, 'applied');
    assert.equal(phone.actor, 'ops-and-finance');
    assert.equal(JSON.parse(phone.after).lifecycleStage, 'evangelist');
    const seeded = stack.world.hubspot.objects.companies.find((c) => c.id === hubspotId)!.properties.lifecyclestage;
    assert.equal(JSON.parse(phone.before).lifecycleStage, seeded, 'before is the value HubSpot held before the write');
    assert.equal(JSON.parse(phone.after).phone, '***', 'phone numbers are personal data: masked');
    const credit = entries.find((e: { system: string; idempotencyKey: string }) => e.idempotencyKey === 'mixed-0001' && e.system === 'odoo');
    assert.equal(JSON.parse(credit.after).creditLimit, '***');
    assert.ok(entries.some((e: { outcome: string; idempotencyKey: string }) => e.idempotencyKey === 'partial-0001' && e.outcome === 'failed'));
    assert.ok(entries.some((e: { outcome: string; errorCode: string }) => e.outcome === 'refused' && e.errorCode === 'CONFLICT'));
    // Refusals by a permission rule or by ownership are write attempts too.
    assert.ok(entries.some((e: { outcome: string; errorCode: string; fields: string[] }) => e.outcome === 'refused' && e.errorCode === 'READ_ONLY_FIELD' && e.fields[0]?.startsWith('input.')));
    assert.ok(entries.some((e: { outcome: string; errorCode: string; idempotencyKey: string }) => e.outcome === 'refused' && e.errorCode === 'FORBIDDEN' && e.idempotencyKey === 'rep-other-0001'));
    assert.ok(entries.some((e: { outcome: string; errorCode: string; actor: string }) => e.outcome === 'refused' && e.errorCode === 'FORBIDDEN' && e.actor === 'test-sales_ops'));
    const denied = await stack.query('{ auditLog(first: 5) { totalCount } }', {}, { role: 'sales_rep' });
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});
