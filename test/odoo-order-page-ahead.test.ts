// A page of orders whose account and lines are settled before the page is answered
// (subgraphs/odoo/resolvers/order.ts prefetchOrderFields) answers exactly as the
// fields' own resolvers do — same data, same errors, same Odoo calls — for every
// caller and when Odoo sends something unreadable or fails. The resolvers' path is
// the same selection inside an inline fragment, which the prefetch leaves alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, signInternalToken, type Identity } from '../core/identity.ts';

const FIELDS = 'number state account { id } lines { id quantity product { sku name } }';
const AHEAD = `{ orders(first: 50) { pageInfo { hasNextPage endCursor } edges { cursor node { ${FIELDS} } } } }`;
const RESOLVERS = `{ orders(first: 50) { pageInfo { hasNextPage endCursor } edges { cursor node { ... on Order { ${FIELDS} } } } } }`;

describe('a page of orders with its accounts and lines settled ahead', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
    await stack.query('{ products(first: 1) { edges { node { sku } } } }'); // discovers the Odoo companies once
  });
  after(() => stack.close());

  const callers = (): Record<string, Identity> => ({
    bi_reader: { sub: 'bi', roles: ['bi_reader'], accountId: null, companyIds: null, scopes: [], crmOwnerId: null },
    customer: { sub: 'c', roles: ['customer'], accountId: stack.world.demo.accountId, companyIds: null, scopes: [], crmOwnerId: null },
    finance: { sub: 'f', roles: ['finance'], accountId: null, companyIds: null, scopes: [], crmOwnerId: null },
    sales_rep: { sub: 'r', roles: ['sales_rep'], accountId: null, companyIds: null, scopes: [], crmOwnerId: null },
  });

  /** One query straight to the odoo subgraph on cold caches, with optional faults: its body and its Odoo calls (order-free). */
  async function run(query: string, identity: Identity, faults: () => void = () => {}) {
    await stack.resetCounters();
    stack.odooSandbox.faults.clear();
    faults();
    const token = await signInternalToken(identity, 'odoo', DEV_INTERNAL_SECRET, 'ahead-test');
    const res = await fetch(stack.urls.odooSubgraph, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: unknown; errors?: Array<{ path?: unknown; locations?: unknown }> };
    stack.odooSandbox.faults.clear();
    const calls = stack.odooSandbox.log.entries().map(({ model, method, ids, domain, fields, context, params, fault }) => JSON.stringify({ model, method, ids, domain, fields, context, params, fault })).sort();
    // Locations differ between the two texts of the query; everything else must not.
    const errors = (body.errors ?? []).map(({ locations: _, ...e }) => JSON.stringify(e)).sort();
    return { status: res.status, data: body.data, errors, calls };
  }

  /** The resolvers' answer with the fragment taken out of the data's shape (the same fields either way). */
  async function assertSame(identity: Identity, faults?: () => void) {
    const ahead = await run(AHEAD, identity, faults);
    const resolvers = await run(RESOLVERS, identity, faults);
    assert.equal(ahead.status, resolvers.status);
    assert.deepEqual(ahead.data, resolvers.data);
    assert.deepEqual(ahead.errors, resolvers.errors);
    assert.deepEqual(ahead.calls, resolvers.calls);
    return ahead;
  }

  test('every caller: same data, errors and Odoo calls as the resolvers', async () => {
    for (const [role, identity] of Object.entries(callers())) {
      const { data, calls } = await assertSame(identity);
      const edges = (data as { orders: { edges: Array<{ node: { lines: unknown[] | null } }> } | null }).orders?.edges ?? [];
      assert.ok(edges.length > 0, role);
      assert.ok(calls.length >= 2, role);
    }
  });

  test('a partner Odoo sends malformed fails only that account, as its resolver does', async () => {
    const { bi_reader } = callers();
    const { errors } = await assertSame(bi_reader, () => stack.odooSandbox.faults.malformed('res.partner', 'wrong_type', { field: 'ref' }));
    assert.ok(errors.length > 0);
    await assertSame(bi_reader, () => stack.odooSandbox.faults.malformed('sale.order', 'many2one_string', { field: 'partner_id' }));
    await assertSame(bi_reader, () => stack.odooSandbox.faults.malformed('sale.order.line', 'many2one_string', { field: 'product_id', all: true }));
  });

  test('a failed lines, partners or products call fails those fields, as their resolvers do', async () => {
    const { bi_reader } = callers();
    for (const model of ['sale.order.line', 'res.partner', 'product.product']) {
      const { errors } = await assertSame(bi_reader, () => stack.odooSandbox.faults.odooError('AccessError', { model }));
      assert.ok(errors.length > 0, model);
    }
  });
});
