// BI without error floods: a bi_reader page of orders with their lines keeps the
// commercially sensitive fields null, but reports them once per response in
// `extensions.masked` (their field coordinates) instead of one MASKED error per
// value — a client that throws on any error still gets its page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';

const PAGE = `query($first: Int) {
  orders(first: $first) {
    edges { node { number amountTotal { amount } lines { quantity unitPrice { amount } discount subtotal { amount } } account { name creditHold } } }
  }
}`;

describe('masked fields are reported once per response', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.close();
  });

  test('a bi_reader page of 100 orders with lines: no errors, nulls, one masked list', async () => {
    const res = await stack.query(PAGE, { first: 100 }, { role: 'bi_reader' });
    assert.equal(res.status, 200);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors?.slice(0, 3)));
    const orders = res.data.orders.edges.map((e: any) => e.node);
    const lines = orders.flatMap((o: any) => o.lines);
    assert.ok(orders.length >= 50 && lines.length > orders.length, `a real page: ${orders.length} orders, ${lines.length} lines`);
    assert.ok(lines.every((l: any) => l.unitPrice === null && l.discount === null && l.subtotal === null), 'masked line fields are null');
    assert.ok(orders.every((o: any) => o.account === null || o.account.creditHold === null), 'credit hold is null');
    assert.ok(lines.some((l: any) => l.quantity > 0) && orders.some((o: any) => o.amountTotal?.amount > 0), 'unmasked fields still carry values');
    assert.deepEqual(res.extensions?.masked, ['Account.creditHold', 'OrderLine.discount', 'OrderLine.subtotal', 'OrderLine.unitPrice']);
  });

  test('with scope bi:commercial nothing is masked and the values come back', async () => {
    const res = await stack.query(PAGE, { first: 20 }, { role: 'bi_reader', scope: 'bi:commercial' });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors?.slice(0, 3)));
    assert.equal(res.extensions?.masked, undefined);
    const lines = res.data.orders.edges.flatMap((e: any) => e.node.lines);
    assert.ok(lines.some((l: any) => l.unitPrice?.amount > 0), 'unit prices are present');
  });

  test('a role that is never masked gets no masked list', async () => {
    const res = await stack.query(PAGE, { first: 5 }, { role: 'finance' });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors?.slice(0, 3)));
    assert.equal(res.extensions?.masked, undefined);
  });
});
