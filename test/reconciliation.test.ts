// Reconciliation (R9): for accounts and for quotes ↔ orders, how many records are
// cross-referenced in both systems, how many differ on a copy of the owner's field,
// and since when — read through the gateway, with its gauge on /metrics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createOdooClient, type OdooClient } from '../connectors/odoo/odoo-client.ts';
import { SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const RECONCILE = `query($o: ReconciledObject!) { reconciliation(object: $o) { object crossReferenced differing oneSided oldestDifferenceSince comparedFields checkedAt } }`;

describe('reconciliation', () => {
  let stack: TestStack;
  let odoo: OdooClient;
  before(async () => {
    stack = await startTestStack();
    odoo = createOdooClient(loadOdooConfig({ ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: protocolsOf(stack.odooSandbox.version)[0]! }));
  });
  after(async () => {
    await odoo.close();
    await stack.close();
  });

  const reconcile = async (object: string, role: 'integration_admin' | 'finance' | 'sales_ops' = 'integration_admin') => {
    const res = await stack.query(RECONCILE, { o: object }, { role });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data.reconciliation;
  };

  test('the seeded world is in step: accounts and quote → order links cross-referenced, nothing differing', async () => {
    const accounts = await reconcile('ACCOUNT');
    assert.ok(accounts.crossReferenced > 0);
    assert.equal(accounts.differing, 0);
    assert.equal(accounts.oldestDifferenceSince, null);
    assert.deepEqual(accounts.comparedFields, ['Account.name']);
    const quotes = await reconcile('QUOTE_ORDER', 'finance');
    assert.ok(quotes.crossReferenced > 0);
    assert.equal(quotes.differing, 0);
  });

  test("an Odoo partner renamed behind the CRM's back is one difference, dated, and the gauge shows it", async () => {
    const before = await reconcile('ACCOUNT', 'sales_ops');
    const acc = await stack.query('query($id: ID!) { account(id: $id) { name sourceRefs { odooId } } }', { id: stack.world.demo.accountId });
    const partnerId = Number(acc.data.account.sourceRefs.odooId);
    await odoo.call('res.partner', 'write', { ids: [partnerId], vals: { name: `${acc.data.account.name} (renamed in Odoo)` } });
    try {
      const after = await reconcile('ACCOUNT');
      assert.equal(after.crossReferenced, before.crossReferenced, 'still cross-referenced');
      assert.equal(after.differing, before.differing + 1);
      assert.ok(after.oldestDifferenceSince, 'the difference is dated');
      const metrics = await (await fetch(stack.urls.writesSubgraph.replace('/graphql', '/metrics'))).text();
      assert.match(metrics, /reconciliation_differences\{object="account"\} 1\b/);
    } finally {
      await odoo.call('res.partner', 'write', { ids: [partnerId], vals: { name: acc.data.account.name } });
    }
    assert.equal((await reconcile('ACCOUNT')).differing, before.differing);
  });

  test('a customer or a sales rep may not ask', async () => {
    const customer = await stack.query(RECONCILE, { o: 'ACCOUNT' }, { role: 'customer', accountId: stack.world.demo.accountId });
    assert.equal(customer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const rep = await stack.query(RECONCILE, { o: 'ACCOUNT' }, { role: 'sales_rep' });
    assert.equal(rep.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});
