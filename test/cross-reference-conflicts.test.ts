// A missing or conflicting cross-reference is an exception, never a silent pick
// (§4): when two Odoo partners claim the same HubSpot company, reads say so with
// CROSS_REFERENCE_CONFLICT, writes are refused and routed to ERP admin, and a
// customer of that account is shown nothing rather than a guess.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

describe('conflicting cross-references', () => {
  let stack: TestStack;
  let accountId: string;
  let partners: number[];
  before(async () => {
    stack = await startTestStack();
    const dup = stack.world.brokenReferences.find((b) => b.kind === 'duplicate_reference')!;
    accountId = encodeId('Account', 'crm', dup.hubspotCompanyId!);
    partners = stack.world.odoo.records['res.partner']!.filter((p) => p.ref === dup.hubspotCompanyId && !p.parent_id).map((p) => p.id);
    assert.equal(partners.length, 2, 'the seed has two partners with this ref');
  });
  after(() => stack.close());

  test('reading the Odoo side of the account reports the conflict; the CRM side still arrives', async () => {
    const res = await stack.query('query($id: ID!) { account(id: $id) { name taxId creditLimit { amount } } }', { id: accountId });
    assert.ok(res.data.account.name);
    assert.equal(res.data.account.taxId, null);
    const error = res.errors?.find((e) => e.extensions?.code === 'CROSS_REFERENCE_CONFLICT');
    assert.ok(error, JSON.stringify(res.errors));
    assert.equal(error.extensions!.system, 'odoo');
    assert.deepEqual([...(error.extensions!.recordIds as number[])].sort(), [...partners].sort());
  });

  test('a write is refused, nothing is written, and ERP admin gets the exception', async () => {
    await stack.resetCounters();
    const res = await stack.query('mutation($id: ID!) { updateAccount(id: $id, input: { creditLimit: 12345 }, idempotencyKey: "dup-ref-0001") { complete } }', { id: accountId }, { role: 'finance' });
    assert.equal(res.errors?.[0]?.extensions?.code, 'CROSS_REFERENCE_CONFLICT', JSON.stringify(res.errors));
    assert.equal(stack.odooSandbox.log.count({ method: 'write' }) + stack.hubspotSandbox.log.count({ operation: 'update' }), 0);
    const ex = await stack.query('{ integrationExceptions(first: 10, filter: { team: ERP_ADMIN }) { edges { node { code objectId } } } }', {}, { role: 'integration_admin' });
    assert.ok(ex.data.integrationExceptions.edges.some((e: { node: { code: string; objectId: string } }) => e.node.code === 'CROSS_REFERENCE_CONFLICT' && e.node.objectId === accountId));
    const audit = await stack.query('query($id: ID!) { auditLog(first: 5, filter: { objectId: $id }) { edges { node { outcome errorCode } } } }', { id: accountId }, { role: 'integration_admin' });
    assert.deepEqual(audit.data.auditLog.edges[0].node, { outcome: 'refused', errorCode: 'CROSS_REFERENCE_CONFLICT' });
  });

  test("the account's customer sees none of either partner's orders, and is told why", async () => {
    const res = await stack.query('{ orders(first: 50) { totalCount edges { node { number } } } }', {}, { role: 'customer', accountId });
    assert.equal(res.data?.orders ?? null, null);
    assert.equal(res.errors?.[0]?.extensions?.code, 'CROSS_REFERENCE_CONFLICT');
  });
});
