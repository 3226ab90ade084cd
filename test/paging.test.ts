// BI paging: stable cursors, incremental `updatedSince`, bounded `first` — for an
// Odoo list (orders) and a HubSpot list (accounts), through the gateway.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const ORDERS_PAGE = `query($first: Int, $after: String, $since: DateTime) {
  orders(first: $first, after: $after, filter: { updatedSince: $since }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id number updatedAt } }
  }
}`;

const ACCOUNTS_PAGE = `query($first: Int, $after: String, $since: DateTime) {
  accounts(first: $first, after: $after, filter: { updatedSince: $since }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name updatedAt } }
  }
}`;

async function pageAll(stack: TestStack, query: string, field: 'orders' | 'accounts', vars: Record<string, unknown>) {
  const seen: Array<{ id: string; updatedAt: string }> = [];
  let after: string | null = null;
  let pages = 0;
  let total = -1;
  for (;;) {
    const res: { errors?: unknown; data?: any } = await stack.query(query, { ...vars, after }, { role: "bi_reader" });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const conn = res.data[field];
    total = conn.totalCount;
    seen.push(...conn.edges.map((e: { node: { id: string; updatedAt: string } }) => e.node));
    pages++;
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
    assert.ok(pages < 100, 'paging does not end');
  }
  return { seen, pages, total };
}

function odooInstant(s: string): string {
  return `${s.replace(' ', 'T')}Z`;
}

describe('paging through canonical lists', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('orders: every order exactly once, page by page, totalCount agrees', async () => {
    const { seen, pages, total } = await pageAll(stack, ORDERS_PAGE, 'orders', { first: 37 });
    const expected = stack.world.odoo.records['sale.order']!.length;
    assert.equal(seen.length, expected);
    assert.equal(new Set(seen.map((o) => o.id)).size, expected);
    assert.equal(total, expected);
    assert.equal(pages, Math.ceil(expected / 37));
  });

  test('a cursor stays valid while records are added: nothing skipped, nothing repeated', async () => {
    const first = await stack.query(ORDERS_PAGE, { first: 20 }, { role: 'bi_reader' });
    const firstIds = first.data.orders.edges.map((e: { node: { id: string } }) => e.node.id);
    // A new order lands in Odoo between two page requests.
    const newId = stack.odooSandbox.store.insert('sale.order', { name: 'S09999', partner_id: stack.world.demo.accountOdooId, company_id: 1, date_order: '2026-11-01 10:00:00', write_date: '2026-11-01 10:00:00' });
    try {
      const rest = await pageAll(stack, ORDERS_PAGE, 'orders', { first: 50 });
      const fromCursor = await stack.query(ORDERS_PAGE, { first: 100, after: first.data.orders.pageInfo.endCursor }, { role: 'bi_reader' });
      const nextIds = fromCursor.data.orders.edges.map((e: { node: { id: string } }) => e.node.id);
      assert.equal(nextIds.filter((id: string) => firstIds.includes(id)).length, 0, 'no repeats across the cursor');
      assert.equal(rest.seen.length, stack.world.odoo.records['sale.order']!.length + 1);
      assert.ok(rest.seen.some((o) => o.id === encodeId('Order', 'odoo', newId)), 'the new order is found by the pages after it');
    } finally {
      stack.odooSandbox.store.remove('sale.order', newId);
    }
  });

  test('updatedSince returns exactly the orders changed at or after the instant', async () => {
    const writeDates = stack.world.odoo.records['sale.order']!.map((o) => odooInstant(String(o.write_date))).sort();
    const since = writeDates[Math.floor(writeDates.length * 0.7)]!;
    const expected = writeDates.filter((d) => d >= since).length;
    const { seen, total } = await pageAll(stack, ORDERS_PAGE, 'orders', { first: 25, since });
    assert.equal(seen.length, expected);
    assert.equal(total, expected);
    assert.ok(seen.every((o) => o.updatedAt >= since));
    assert.ok(expected > 0 && expected < writeDates.length);
  });

  test('accounts (HubSpot): paged by keyset to the end, updatedSince applied in the search', async () => {
    const companies = stack.world.hubspot.objects.companies.filter((c) => !c.archived);
    const all = await pageAll(stack, ACCOUNTS_PAGE, 'accounts', { first: 100 });
    assert.equal(all.seen.length, companies.length);
    assert.equal(new Set(all.seen.map((a) => a.id)).size, companies.length);
    assert.equal(all.total, companies.length);
    const stamps = companies.map((c) => new Date(c.properties.hs_lastmodifieddate ?? c.updatedAt).toISOString()).sort();
    const since = stamps[Math.floor(stamps.length / 2)]!;
    const recent = await pageAll(stack, ACCOUNTS_PAGE, 'accounts', { first: 100, since });
    assert.equal(recent.seen.length, stamps.filter((s) => s >= since).length);
  });

  test('first is bounded and cursors are checked', async () => {
    for (const first of [0, 101, -1]) {
      const res = await stack.query(ORDERS_PAGE, { first }, { role: 'bi_reader' });
      assert.equal(res.data?.orders ?? null, null);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `first=${first}`);
    }
    const bad = await stack.query(ORDERS_PAGE, { first: 10, after: 'not-a-cursor' }, { role: 'bi_reader' });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(bad.errors?.[0]?.extensions?.field, 'after');
    const since = await stack.query(ORDERS_PAGE, { first: 10, since: 'yesterday' }, { role: 'bi_reader' });
    assert.equal(since.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});
