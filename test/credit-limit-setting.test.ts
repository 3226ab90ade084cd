// Odoo only applies partner credit limits when the company's "Sales Credit Limit"
// setting (res.company.account_use_credit_limit) is on. confirmQuote reads the setting
// of the company the order would be made in and honours it; the rep's issue names the
// rule (no figures), finance's exception detail names the setting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';
import { quoteByNumber } from './support/world.ts';

const CONFIRM = `mutation($q: ID!, $key: String!) { confirmQuote(quoteId: $q, idempotencyKey: $key) { status issues { field code message } order { number } } }`;

describe('credit limit setting', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  const confirm = (key: string) => {
    const quote = quoteByNumber(stack.world, stack.world.demo.creditHold.quoteNumber);
    stack.hubspotSandbox.store.get('quotes', quote.hubspotId)!.properties.hs_status = 'APPROVED';
    return stack.query(CONFIRM, { q: quote.id, key }, { role: 'sales_rep', crmOwnerId: quote.owner, sub: 'rep-credit' });
  };
  const companyId = () => stack.world.demo.creditHold.companyId;

  test('the seeded companies hold both settings', () => {
    const companies = stack.odooSandbox.store.records('res.company');
    assert.deepEqual(companies.map((c) => c.account_use_credit_limit).sort(), [false, true]);
    assert.equal(stack.odooSandbox.store.get('res.company', companyId())!.account_use_credit_limit, true);
  });

  test('setting on: a customer over its limit is held, and the issue says which rule applied', async () => {
    const res = await confirm('credit-setting-on');
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.confirmQuote.status, 'REJECTED');
    const issue = res.data.confirmQuote.issues.find((i: { code: string }) => i.code === 'CREDIT_HOLD');
    assert.ok(issue, JSON.stringify(res.data.confirmQuote.issues));
    const companyName = String(stack.odooSandbox.store.get('res.company', companyId())!.name);
    assert.match(issue.message, new RegExp(`credit limits enforced in ${companyName}`));
    assert.doesNotMatch(issue.message, /\d{3}/, 'no figures for the rep');
    const finance = await stack.query('{ integrationExceptions(first: 50, filter: { team: FINANCE }) { edges { node { code detail } } } }', {}, { role: 'finance' });
    const record = finance.data.integrationExceptions.edges.find((e: { node: { code: string } }) => e.node.code === 'CREDIT_HOLD');
    assert.match(record.node.detail, /account_use_credit_limit\) on/);
  });

  test('setting off: Odoo ignores partner limits, so the same quote is confirmed', async () => {
    stack.odooSandbox.store.patch('res.company', companyId(), { account_use_credit_limit: false });
    try {
      const res = await confirm('credit-setting-off');
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const codes = res.data.confirmQuote.issues.map((i: { code: string }) => i.code);
      assert.ok(!codes.includes('CREDIT_HOLD') && !codes.includes('CREDIT_LIMIT_EXCEEDED'), JSON.stringify(codes));
      assert.equal(res.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(res.data.confirmQuote.issues));
      assert.ok(stack.odooSandbox.log.entries().some((e) => e.model === 'res.company'), 'the setting is read from Odoo');
    } finally {
      stack.odooSandbox.store.patch('res.company', companyId(), { account_use_credit_limit: true });
    }
  });
});
