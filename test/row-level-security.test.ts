// A customer sees only its own account and what hangs off it — by every path:
// a number or id of someone else's order, lists and their totalCount, filters,
// nested traversal, and `_entities` representations crafted to reach other rows.
// The limit is in the backend query itself (Odoo domain, HubSpot ids), so another
// customer's rows are never even fetched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, signInternalToken } from '../core/identity.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

describe('row-level security for customers', () => {
  let stack: TestStack;
  let me: { role: 'customer'; accountId: string };
  let ownPartnerIds: number[];
  let otherOrder: { id: number; name: string };
  let ownOrderNames: string[];

  before(async () => {
    stack = await startTestStack();
    const demo = stack.world.demo;
    me = { role: 'customer', accountId: demo.accountId };
    const partners = stack.world.odoo.records['res.partner']!;
    ownPartnerIds = [demo.accountOdooId, ...partners.filter((p) => p.parent_id === demo.accountOdooId).map((p) => p.id)];
    const orders = stack.world.odoo.records['sale.order']!;
    ownOrderNames = orders.filter((o) => ownPartnerIds.includes(o.partner_id as number)).map((o) => String(o.name));
    const other = orders.find((o) => !ownPartnerIds.includes(o.partner_id as number) && o.state === 'sale')!;
    otherOrder = { id: other.id, name: String(other.name) };
  });
  after(() => stack.close());

  function odooDomainsFor(model: string) {
    return stack.odooSandbox.log.entries({ model }).map((e) => JSON.stringify(e.domain ?? []));
  }

  test('its own order is visible', async () => {
    const res = await stack.query('query($n: String!) { order(number: $n) { number account { name } } }', { n: stack.world.demo.orderNumber }, me);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.order.account.name, stack.world.demo.accountName);
  });

  test("another customer's order by number: nothing, and the backend query itself was limited", async () => {
    await stack.resetCounters();
    const res = await stack.query('query($n: String!) { order(number: $n) { number state amountTotal { amount } } }', { n: otherOrder.name }, me);
    assert.equal(res.data.order, null);
    const domains = odooDomainsFor('sale.order');
    assert.ok(domains.length > 0);
    for (const d of domains) assert.ok(d.includes('"partner_id","in"'), `unscoped sale.order query: ${d}`);
  });

  test("another customer's order by id: nothing", async () => {
    const res = await stack.query('query($id: ID!) { order(id: $id) { number } }', { id: encodeId('Order', 'odoo', otherOrder.id) }, me);
    assert.equal(res.data.order, null);
  });

  test('lists and totalCount hold only its own orders, invoices and shipments', async () => {
    const orders = await stack.query('{ orders(first: 100) { totalCount edges { node { number } } } }', {}, me);
    assert.equal(orders.errors, undefined, JSON.stringify(orders.errors));
    assert.deepEqual(orders.data.orders.edges.map((e: { node: { number: string } }) => e.node.number).sort(), [...ownOrderNames].sort());
    assert.equal(orders.data.orders.totalCount, ownOrderNames.length);

    const ownInvoices = stack.world.odoo.records['account.move']!.filter((m) => ownPartnerIds.includes(m.partner_id as number) && ['out_invoice', 'out_refund'].includes(String(m.move_type)));
    const invoices = await stack.query('{ invoices(first: 100) { totalCount edges { node { id } } } }', {}, me);
    assert.equal(invoices.data.invoices.totalCount, ownInvoices.length);
    assert.equal(invoices.data.invoices.edges.length, ownInvoices.length);

    const shipments = await stack.query('{ shipments(first: 100) { totalCount edges { node { order { number } } } } }', {}, me);
    assert.ok(shipments.data.shipments.edges.length > 0);
    for (const e of shipments.data.shipments.edges) assert.ok(ownOrderNames.includes(e.node.order.number));
  });

  test("filtering by another account's id yields nothing", async () => {
    const otherAccount = encodeId('Account', 'crm', stack.world.demo.approvedQuote.accountHubSpotId);
    const res = await stack.query('query($a: ID!) { orders(first: 10, filter: { account: $a }) { totalCount edges { node { number } } } invoices(first: 10, filter: { account: $a }) { totalCount } }', { a: otherAccount }, me);
    assert.equal(res.data.orders.totalCount, 0);
    assert.equal(res.data.orders.edges.length, 0);
    assert.equal(res.data.invoices.totalCount, 0);
  });

  test("another account, its quotes and contacts: nothing, and HubSpot was never asked for them", async () => {
    const otherCompany = stack.world.demo.approvedQuote.accountHubSpotId;
    await stack.resetCounters();
    const res = await stack.query('query($id: ID!, $q: String!) { account(id: $id) { name contacts { email } } quote(number: $q) { number } }', {
      id: encodeId('Account', 'crm', otherCompany),
      q: stack.world.demo.approvedQuote.quoteNumber,
    }, me);
    assert.equal(res.data.account, null);
    assert.equal(res.data.quote, null);
    const asked = stack.hubspotSandbox.log.entries().filter((e) => e.path.includes(otherCompany));
    assert.deepEqual(asked, []);
  });

  test('nested traversal stays inside its account', async () => {
    const res = await stack.query('query($n: String!) { order(number: $n) { account { quotes { number account { name } } contacts { email } orders(first: 50) { totalCount edges { node { number } } } } } }', { n: stack.world.demo.orderNumber }, me);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const account = res.data.order.account;
    assert.equal(account.orders.totalCount, ownOrderNames.length);
    for (const q of account.quotes) assert.equal(q.account.name, stack.world.demo.accountName);
  });

  test('_entities sent straight at the subgraphs with a customer credential cannot reach other rows', async () => {
    const identity = { sub: 'crafted', roles: ['customer' as const], accountId: me.accountId, companyIds: null, scopes: [] };
    const odooCredential = await signInternalToken(identity, 'odoo', DEV_INTERNAL_SECRET, 'rid-crafted-000001');
    const crmCredential = await signInternalToken(identity, 'crm', DEV_INTERNAL_SECRET, 'rid-crafted-000002');
    const otherAccountId = encodeId('Account', 'crm', stack.world.demo.approvedQuote.accountHubSpotId);

    const odoo = await postGraphQL(stack.urls.odooSubgraph, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number } ... on Account { taxId creditHold } } }', {
      r: [{ __typename: 'Order', id: encodeId('Order', 'odoo', otherOrder.id) }, { __typename: 'Order', number: otherOrder.name }, { __typename: 'Account', id: otherAccountId }],
    }, { [IDENTITY_HEADER]: odooCredential });
    assert.equal(odoo.status, 200);
    assert.equal(odoo.data._entities[0], null);
    assert.equal(odoo.data._entities[1], null);
    assert.equal(odoo.data._entities[2]?.taxId ?? null, null);

    const crm = await postGraphQL(stack.urls.crmSubgraph, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { name } ... on Quote { number } } }', {
      r: [{ __typename: 'Account', id: otherAccountId }, { __typename: 'Quote', number: stack.world.demo.approvedQuote.quoteNumber }],
    }, { [IDENTITY_HEADER]: crmCredential });
    assert.equal(crm.data._entities[0]?.name ?? null, null);
    assert.equal(crm.data._entities[1], null);
  });

  test('a caller limited to one Odoo company sees only that company', async () => {
    const res = await stack.query('{ orders(first: 100) { totalCount edges { node { company { id } } } } }', {}, { role: 'sales_rep', companyIds: [2] });
    const inCompany2 = stack.world.odoo.records['sale.order']!.filter((o) => o.company_id === 2).length;
    assert.equal(res.data.orders.totalCount, inCompany2);
    assert.ok(res.data.orders.edges.every((e: { node: { company: { id: string } } }) => e.node.company.id === '2'));
    const contexts = stack.odooSandbox.log.entries({ model: 'sale.order' }).slice(-2).map((e) => e.context?.allowed_company_ids);
    for (const c of contexts) assert.deepEqual(c, [2]);
  });
});
