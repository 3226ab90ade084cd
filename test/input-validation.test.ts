// Bad input gets a clear error and reaches no backend: every mutation input is
// checked (GraphQL types at the gateway, zod in the writes subgraph) and refused
// with BAD_USER_INPUT naming the field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { startTestStack, type Caller, type TestStack } from './support/stack.ts';
import { companyOwner } from './support/world.ts';

const UPDATE = `mutation($id: ID!, $input: AccountUpdateInput!, $key: String!) { updateAccount(id: $id, input: $input, idempotencyKey: $key) { complete } }`;
const CREATE_QUOTE = `mutation($input: QuoteCreateInput!, $key: String!) { createQuote(input: $input, idempotencyKey: $key) { quote { id } } }`;
const DELIVERY = `mutation($o: ID!, $d: Date!, $r: String!, $key: String!) { requestDeliveryDate(orderId: $o, date: $d, reason: $r, idempotencyKey: $key) { commitmentDate } }`;

describe('mutation input validation', () => {
  let stack: TestStack;
  let ops: Caller;
  let rep: Caller;
  let quoteInput: Record<string, unknown>;
  before(async () => {
    stack = await startTestStack();
    ops = { role: 'sales_ops' };
    rep = { role: 'sales_rep', crmOwnerId: companyOwner(stack.world, stack.world.demo.accountHubSpotId) };
    quoteInput = {
      account: stack.world.demo.accountId, title: 'Pump set', currency: 'EUR', validUntil: '2026-12-31', requestedDeliveryDate: '2027-01-15', incoterm: 'DAP',
      lines: [{ sku: stack.world.demo.productSku, quantity: 2, unitPrice: 20000, discount: 5 }],
    };
    await stack.query('{ products(first: 1) { totalCount } }'); // company discovery, once
  });
  after(() => stack.close());

  async function refused(query: string, variables: Record<string, unknown>, as: Caller, field: string | RegExp) {
    await stack.resetCounters();
    const res = await stack.query(query, variables, as);
    const error = res.errors?.[0];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(res.errors));
    if (typeof field === 'string') assert.equal(error?.extensions?.field, field, JSON.stringify(error));
    else assert.match(String(error?.extensions?.field), field);
    const writes = stack.odooSandbox.log.entries().filter((e) => ['create', 'write', 'action_confirm'].includes(e.method)).length
      + stack.hubspotSandbox.log.entries().filter((e) => ['create', 'update', 'associate', 'batch_upsert'].includes(e.operation)).length;
    assert.equal(writes, 0, 'nothing reached a backend');
  }

  const id = () => stack.world.demo.accountId;

  test('unknown fields', () => refused(UPDATE, { id: id(), input: { bogus: 1 }, key: 'v-0000001' }, ops, 'input.bogus'));
  test('wrong types', () => refused(UPDATE, { id: id(), input: { creditLimit: 'a lot' }, key: 'v-0000002' }, { role: 'finance' }, 'input.creditLimit'));
  test('an unknown enum value', () => refused(UPDATE, { id: id(), input: { lifecycleStage: 'VIP' }, key: 'v-0000003' }, ops, 'input.lifecycleStage'));
  test('over-long strings', () => refused(UPDATE, { id: id(), input: { name: 'x'.repeat(300) }, key: 'v-0000004' }, ops, 'input.name'));
  test('markup injection in free text', () => refused(UPDATE, { id: id(), input: { name: 'Acme <script>alert(1)</script>' }, key: 'v-0000005' }, ops, 'input.name'));
  test('control characters in free text', () => refused(UPDATE, { id: id(), input: { name: 'Acme\u0000GmbH' }, key: 'v-0000006' }, ops, 'input.name'));
  test('a malformed URL', () => refused(UPDATE, { id: id(), input: { website: 'javascript:alert(1)' }, key: 'v-0000007' }, ops, 'input.website'));
  test('a negative credit limit', () => refused(UPDATE, { id: id(), input: { creditLimit: -5 }, key: 'v-0000008' }, { role: 'finance' }, 'input.creditLimit'));
  test('an empty change', () => refused(UPDATE, { id: id(), input: {}, key: 'v-0000009' }, ops, 'input'));
  test('a malformed idempotency key', () => refused(UPDATE, { id: id(), input: { name: 'Ok' }, key: 'has spaces and ;' }, ops, 'idempotencyKey'));
  test('a malformed account id', () => refused(UPDATE, { id: 'nope', input: { name: 'Ok' }, key: 'v-0000010' }, ops, 'id'));

  test('out-of-range quantities and discounts on quote lines', async () => {
    await refused(CREATE_QUOTE, { input: { ...quoteInput, lines: [{ sku: 'NW-PMP-1003', quantity: 0, unitPrice: 1 }] }, key: 'q-0000001' }, rep, 'input.lines[0].quantity');
    await refused(CREATE_QUOTE, { input: { ...quoteInput, lines: [{ sku: 'NW-PMP-1003', quantity: 1e9, unitPrice: 1 }] }, key: 'q-0000002' }, rep, 'input.lines[0].quantity');
    await refused(CREATE_QUOTE, { input: { ...quoteInput, lines: [{ sku: 'NW-PMP-1003', quantity: 1, unitPrice: 1, discount: 150 }] }, key: 'q-0000003' }, rep, 'input.lines[0].discount');
    await refused(CREATE_QUOTE, { input: { ...quoteInput, lines: [] }, key: 'q-0000004' }, rep, 'input.lines');
    await refused(CREATE_QUOTE, { input: { ...quoteInput, lines: [{ sku: 'NW-NOPE-0000', quantity: 1, unitPrice: 1 }] }, key: 'q-0000005' }, rep, 'input.lines[0].sku');
  });

  test('malformed dates', async () => {
    await refused(CREATE_QUOTE, { input: { ...quoteInput, validUntil: '31.12.2026' }, key: 'q-0000006' }, rep, 'input.validUntil');
    await refused(CREATE_QUOTE, { input: { ...quoteInput, validUntil: '2026-02-30' }, key: 'q-0000007' }, rep, 'input.validUntil');
    const order = encodeId('Order', 'odoo', stack.world.demo.orderId);
    await refused(DELIVERY, { o: order, d: 'next week', r: 'Customer asked', key: 'd-0000001' }, ops, 'd');
  });

  test('an unknown incoterm and currency', async () => {
    await refused(CREATE_QUOTE, { input: { ...quoteInput, incoterm: 'XYZ' }, key: 'q-0000008' }, rep, 'input.incoterm');
    await refused(CREATE_QUOTE, { input: { ...quoteInput, currency: 'BTC' }, key: 'q-0000009' }, rep, 'input.currency');
  });
});
