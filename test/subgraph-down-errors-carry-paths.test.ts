// A subgraph that cannot be reached costs what it was asked for, and the errors say
// where: each error of a failed fetch carries the path of a root field the fetch
// was for, or of an entity it was to complete — not one path-less error per fetch
// (Apollo Gateway's own behaviour), which left a client guessing which of its nulls
// were failures and which were empty values. Found by a fault-injection probe.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeServer } from '../core/http.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

type Err = { path?: Array<string | number>; extensions?: Record<string, unknown> };
const unavailable = (errors: Err[] | undefined) => (errors ?? []).filter((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE');

describe('errors of an unreachable subgraph carry paths (CRM side)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test("the CRM subgraph down: each order's account is null with an error at that account", async () => {
    await closeServer(stack.crmSubgraph.server);
    const res = await stack.query('{ orders(first: 3) { edges { node { number account { name } } } } }', {}, { role: 'finance' });
    const edges = res.data.orders.edges as Array<{ node: { number: string; account: { name: string | null } | null } }>;
    assert.equal(edges.length, 3, 'the Odoo side arrives');
    const errors = unavailable(res.errors);
    assert.ok(errors.length >= 1, JSON.stringify(res.errors));
    for (const e of errors) {
      assert.equal(e.extensions!.system, 'hubspot');
      assert.equal(e.path?.[0], 'orders', JSON.stringify(e));
      assert.deepEqual(e.path!.slice(1, 3), ['edges', e.path![2]]);
      assert.equal(e.path![4], 'account', JSON.stringify(e));
    }
    // Every order whose account name is missing has an error at its path.
    const failed = new Set(errors.map((e) => e.path![2]));
    edges.forEach((edge, i) => {
      if (edge.node.account?.name == null) assert.ok(failed.has(i), `order ${i} lost its account name without an error at its path`);
    });
  });

});

describe('errors of an unreachable subgraph carry paths (Odoo side)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('the Odoo subgraph down: a root field of it is null with an error at that field; an account keeps its CRM side and the error is at the account', async () => {
    await closeServer(stack.odooSubgraph.server);
    const res = await stack.query('query($id: ID!) { orders(first: 2) { edges { node { number } } } account(id: $id) { name creditLimit { amount } } }', { id: stack.world.demo.accountId }, { role: 'finance' });
    assert.equal(res.data.orders, null);
    assert.equal(res.data.account.name, stack.world.demo.accountName);
    assert.equal(res.data.account.creditLimit, null);
    const paths = unavailable(res.errors).map((e) => JSON.stringify(e.path));
    assert.ok(paths.includes('["orders"]'), paths.join(' '));
    assert.ok(paths.includes('["account"]'), paths.join(' '));
    for (const e of unavailable(res.errors)) assert.equal(e.extensions!.system, 'odoo');
  });
});
