// A backend that is down yields partial data plus an error naming the system;
// malformed backend data becomes a typed error for that field only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeServer } from '../core/http.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const ORDER_WITH_ACCOUNT = `query($n: String!) { order(number: $n) { number state account { name taxId } lines { quantity } } }`;
const ACCOUNT_BOTH_SIDES = `query($id: ID!) { account(id: $id) { name industry taxId paymentTerms { name } } }`;

describe('partial data when a backend or a subgraph is down', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('HubSpot down: Odoo data arrives, the account name is null with BACKEND_UNAVAILABLE naming hubspot', async () => {
    stack.hubspotSandbox.faults.add({ kind: 'down' });
    try {
      const res = await stack.query(ORDER_WITH_ACCOUNT, { n: stack.world.demo.orderNumber });
      assert.equal(res.status, 200);
      assert.equal(res.data.order.number, stack.world.demo.orderNumber);
      assert.equal(res.data.order.state, 'CONFIRMED');
      assert.ok(res.data.order.lines.length > 0);
      assert.equal(res.data.order.account.name, null);
      assert.equal(res.data.order.account.taxId !== undefined, true);
      const error = res.errors?.find((e) => e.extensions?.system === 'hubspot');
      assert.ok(error, JSON.stringify(res.errors));
      assert.equal(error.extensions!.code, 'BACKEND_UNAVAILABLE');
      assert.deepEqual(error.path?.slice(0, 2), ['order', 'account']);
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('Odoo down: the CRM side of an account arrives, the Odoo side is null with an error naming odoo', async () => {
    stack.odooSandbox.faults.down();
    try {
      const res = await stack.query(ACCOUNT_BOTH_SIDES, { id: stack.world.demo.accountId });
      assert.equal(res.data.account.name, stack.world.demo.accountName);
      assert.equal(res.data.account.taxId, null);
      const error = res.errors?.find((e) => e.extensions?.system === 'odoo');
      assert.ok(error, JSON.stringify(res.errors));
      assert.equal(error.extensions!.code, 'BACKEND_UNAVAILABLE');
    } finally {
      stack.odooSandbox.faults.clear();
    }
  });

  test('a transient 503 from Odoo on a read is retried once and the answer is complete', async () => {
    await stack.resetCounters();
    stack.odooSandbox.faults.failWith(503, { model: 'sale.order', times: 1 });
    const res = await stack.query(ORDER_WITH_ACCOUNT, { n: stack.world.demo.orderNumber });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(stack.odooSandbox.log.count({ model: 'sale.order' }), 2);
  });

  test('a malformed Odoo record is a MAPPING_ERROR naming model, id and field; the rest still arrives', async () => {
    stack.odooSandbox.faults.malformed('sale.order', 'bad_date', { field: 'commitment_date', all: true });
    try {
      const res = await stack.query('query($n: String!) { order(number: $n) { number commitmentDate } orders(first: 3) { edges { node { number } } } }', { n: stack.world.demo.orderNumber });
      const error = res.errors?.find((e) => e.extensions?.code === 'MAPPING_ERROR');
      assert.ok(error, JSON.stringify(res.errors));
      assert.equal(error.extensions!.model, 'sale.order');
      assert.equal(error.extensions!.field, 'commitment_date');
      assert.ok(error.extensions!.recordId);
      assert.equal(error.extensions!.system, 'odoo');
      assert.ok(!JSON.stringify(res.errors).includes('Traceback'));
      // Only the broken field fails: the order and the list around it still arrive.
      assert.equal(res.data.order.number, stack.world.demo.orderNumber);
      assert.equal(res.data.order.commitmentDate, null);
      assert.equal(res.data.orders.edges.length, 3);
    } finally {
      stack.odooSandbox.faults.clear();
    }
  });

  test("a malformed order name costs that order's number, not the page", async () => {
    stack.odooSandbox.faults.malformed('sale.order', 'wrong_type', { field: 'name', method: 'search_read', times: 1 });
    try {
      const res = await stack.query('{ orders(first: 5) { totalCount edges { node { id number state } } } }', {}, { role: 'bi_reader' });
      const error = res.errors?.find((e) => e.extensions?.code === 'MAPPING_ERROR');
      assert.ok(error, JSON.stringify(res.errors));
      assert.deepEqual(error.path, ['orders', 'edges', 0, 'node', 'number']);
      assert.equal(error.extensions!.field, 'name');
      assert.equal(res.data.orders.edges.length, 5, 'the page arrives');
      assert.equal(res.data.orders.edges[0].node.number, null);
      assert.ok(res.data.orders.edges[0].node.id && res.data.orders.edges[0].node.state, 'the order itself arrives');
      assert.ok(res.data.orders.edges.slice(1).every((e: { node: { number: string } }) => /^S\d+$/.test(e.node.number)));
      assert.ok(res.data.orders.totalCount > 5);
    } finally {
      stack.odooSandbox.faults.clear();
    }
  });

  test('a malformed HubSpot object is a MAPPING_ERROR naming the object type and property, not a crash', async () => {
    stack.hubspotSandbox.faults.add({ kind: 'malformed', shape: 'number_property', objectType: 'companies' });
    try {
      const res = await stack.query(ORDER_WITH_ACCOUNT, { n: stack.world.demo.orderNumber });
      assert.equal(res.data.order.state, 'CONFIRMED');
      const error = res.errors?.find((e) => e.extensions?.code === 'MAPPING_ERROR');
      assert.ok(error, JSON.stringify(res.errors));
      assert.equal(error.extensions!.system, 'hubspot');
      assert.equal(error.extensions!.model, 'companies');
      assert.ok(error.extensions!.field);
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('each subgraph names itself in /health and /ready as it does in metrics and spans', async () => {
    for (const [name, url] of [['odoo', stack.urls.odooSubgraph], ['crm', stack.urls.crmSubgraph], ['writes', stack.urls.writesSubgraph]] as const) {
      const health = (await (await fetch(new URL('/health', url))).json()) as { component: string };
      assert.equal(health.component, `${name}-subgraph`);
    }
  });

  test('the Odoo subgraph itself unreachable: SUBGRAPH_UNAVAILABLE naming odoo, CRM data still served', async () => {
    await closeServer(stack.odooSubgraph.server);
    const res = await stack.query(ACCOUNT_BOTH_SIDES, { id: stack.world.demo.accountId });
    assert.equal(res.data.account.name, stack.world.demo.accountName);
    const error = res.errors?.find((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE');
    assert.ok(error, JSON.stringify(res.errors));
    assert.equal(error.extensions!.system, 'odoo');
    assert.equal(error.message, 'The Odoo service is unavailable');
    assert.ok(!JSON.stringify(res.errors).includes('ECONNREFUSED'), 'no internal detail leaks');
  });

  test('the writes subgraph unreachable: a mutation is SUBGRAPH_UNAVAILABLE from the integration itself, said in plain words', async () => {
    await closeServer(stack.writesSubgraph.server);
    const res = await stack.query(
      'mutation($id: ID!) { updateAccount(id: $id, input: { website: "https://down.example" }, idempotencyKey: "subgraph-down-0001") { complete } }',
      { id: stack.world.demo.accountId },
      { role: 'sales_ops' },
    );
    const error = res.errors?.find((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE');
    assert.ok(error, JSON.stringify(res.errors));
    assert.equal(error.extensions!.system, 'gateway');
    assert.equal(error.message, 'The integration service is unavailable');
  });
});
