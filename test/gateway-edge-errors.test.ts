// A client mistake is a 4xx from the gateway, oversized strings never reach a
// backend, and nothing of a backend's own error (its texts, model, method,
// exception class, attempts, correlation id) reaches a caller: the caller gets the
// code, a canonical message, the system and the request id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { CALLER_EXTENSIONS, CALLER_MESSAGES, CODE_EXTENSIONS, errorKeyOf } from '../policy/caller-errors.ts';
import { ERRORS } from '../policy/errors.ts';
import { maxLengthOf, STRING_LIMITS } from '../gateway/input-bounds.ts';
import { deliveryDateSchema } from '../subgraphs/writes/validation.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

const BIG = 'x'.repeat(100_000);

describe('client mistakes, input bounds and caller-safe errors at the gateway', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  const backendCalls = () => stack.odooSandbox.log.count() + stack.hubspotSandbox.log.count();

  async function raw(body: Record<string, unknown>, accept = 'application/json') {
    const token = await stack.token({ sub: 'edge', roles: ['finance'] });
    const res = await fetch(stack.urls.gateway, { method: 'POST', headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }, headers: res.headers };
  }

  test('several operations without operationName, or an unknown one, answer 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const query = 'query A { products(first: 1) { totalCount } } query B { orders(first: 1) { totalCount } }';
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      await stack.resetCounters();
      const none = await raw({ query }, accept);
      assert.equal(none.status, 400, `${accept}: ${none.text}`);
      assert.equal(none.body.errors?.[0]?.extensions?.code, 'OPERATION_RESOLUTION_FAILURE');
      const unknown = await raw({ query, operationName: 'C' }, accept);
      assert.equal(unknown.status, 400, unknown.text);
      assert.equal(unknown.body.errors?.[0]?.extensions?.code, 'OPERATION_RESOLUTION_FAILURE');
      assert.equal(backendCalls(), 0);
    }
    const chosen = await raw({ query, operationName: 'B' });
    assert.equal(chosen.status, 200);
    assert.equal(chosen.body.errors, undefined);
  });

  test('a malformed DateTime or Date is a 400 BAD_USER_INPUT from the gateway, not an error of Odoo', async () => {
    await stack.resetCounters();
    const variable = await stack.query('query($d: DateTime) { orders(first: 1, filter: { updatedSince: $d }) { totalCount } }', { d: 'yesterday' });
    assert.equal(variable.status, 400);
    assert.deepEqual([variable.errors?.[0]?.extensions?.code, variable.errors?.[0]?.extensions?.system, variable.errors?.[0]?.extensions?.field], ['BAD_USER_INPUT', 'gateway', 'd']);
    const literal = await stack.query('{ orders(first: 1, filter: { updatedSince: "2026-13-45" }) { totalCount } }');
    assert.equal(literal.status, 400);
    assert.deepEqual([literal.errors?.[0]?.extensions?.code, literal.errors?.[0]?.extensions?.system], ['BAD_USER_INPUT', 'gateway']);
    const date = await stack.query('mutation($o: ID!, $d: Date!) { requestDeliveryDate(orderId: $o, date: $d, reason: "x", idempotencyKey: "edge-date-01") { commitmentDate } }', { o: encodeId('Order', 'odoo', stack.world.demo.orderId), d: '2027-02-30' }, { role: 'sales_ops' });
    assert.deepEqual([date.errors?.[0]?.extensions?.code, date.errors?.[0]?.extensions?.system, date.errors?.[0]?.extensions?.field], ['BAD_USER_INPUT', 'gateway', 'd']);
    assert.equal(backendCalls(), 0);
    const ok = await stack.query('query($d: DateTime) { orders(first: 1, filter: { updatedSince: $d }) { totalCount } }', { d: '2020-01-01T00:00:00Z' });
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
  });

  test('status codes: a request error is 4xx for both media types, a response with data (even partial) is 200', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const invalid = await raw({ query: '{ orders(first: 1) { nope } }' }, accept);
      assert.equal(invalid.status, 400, accept);
      assert.equal(invalid.body.data, undefined);
    }
    stack.hubspotSandbox.faults.add({ kind: 'down' });
    try {
      const partial = await raw({ query: 'query($n: String!) { order(number: $n) { number account { name } } }', variables: { n: stack.world.demo.orderNumber } }, 'application/graphql-response+json');
      assert.equal(partial.status, 200, partial.text);
      assert.ok(partial.body.data);
      assert.ok(partial.body.errors?.length);
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('oversized strings anywhere in the arguments are BAD_USER_INPUT naming the argument, with zero backend calls', async () => {
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ['order number (variable)', 'query($n: String!) { order(number: $n) { number } }', { n: BIG }, 'number'],
      ['product sku (literal)', `{ product(sku: "${BIG}") { name } }`, {}, 'sku'],
      ['name filter (nested input)', 'query($f: ProductFilter) { products(first: 1, filter: $f) { totalCount } }', { f: { nameContains: BIG } }, 'filter.nameContains'],
      ['id', 'query($id: ID!) { account(id: $id) { name } }', { id: BIG }, 'id'],
      ['cursor', 'query($a: String) { orders(first: 1, after: $a) { totalCount } }', { a: BIG }, 'after'],
      ['a string given for an Int', 'query($n: Int) { orders(first: $n) { totalCount } }', { n: BIG }, 'first'],
    ];
    for (const [label, query, variables, field] of cases) {
      await stack.resetCounters();
      const res = await stack.query(query, variables);
      assert.equal(res.status, 400, label);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${label}: ${JSON.stringify(res.errors)?.slice(0, 300)}`);
      assert.equal(res.errors?.[0]?.extensions?.field, field, label);
      assert.ok(JSON.stringify(res.errors).length < 2_000, `${label}: the value is not echoed`);
      assert.equal(backendCalls(), 0, `${label}: no backend call`);
    }
    await stack.resetCounters();
    const quote = await stack.query('mutation($i: QuoteCreateInput!) { createQuote(input: $i, idempotencyKey: "edge-big-0001") { quote { id } } }', {
      i: { account: stack.world.demo.accountId, title: 'ok', currency: 'EUR', validUntil: '2026-12-31', lines: [{ sku: BIG, quantity: 1, unitPrice: 1 }] },
    }, { role: 'sales_ops' });
    assert.equal(quote.errors?.[0]?.extensions?.field, 'input.lines[0].sku', JSON.stringify(quote.errors)?.slice(0, 300));
    assert.equal(backendCalls(), 0);
  });

  test('the bounds table: every exception names a real argument, and free text allows what the writes subgraph allows', async () => {
    for (const coordinate of Object.keys(STRING_LIMITS.exceptions)) {
      const arg = /^(\w+)\.(\w+)\((\w+):\)$/.exec(coordinate);
      const inputField = /^(\w+)\.(\w+)$/.exec(coordinate);
      const type = (arg ?? inputField)?.[1];
      assert.ok(type, `${coordinate} is a schema coordinate`);
      const res = await stack.query('query($t: String!) { __type(name: $t) { fields { name args { name } } inputFields { name } } }', { t: type });
      const t = res.data.__type;
      if (arg) assert.ok(t?.fields?.some((f: { name: string; args: Array<{ name: string }> }) => f.name === arg[2] && f.args.some((a) => a.name === arg[3])), coordinate);
      else assert.ok(t?.inputFields?.some((f: { name: string }) => f.name === inputField![2]), coordinate);
    }
    const reason = maxLengthOf('Mutation.requestDeliveryDate(reason:)');
    const base = { orderId: '1', date: '2027-01-01', idempotencyKey: 'edge-reason-01' };
    assert.ok(deliveryDateSchema.safeParse({ ...base, reason: 'x'.repeat(reason) }).success, 'the gateway allows what the subgraph allows');
    assert.ok(!deliveryDateSchema.safeParse({ ...base, reason: 'x'.repeat(reason + 1) }).success, 'and not more');
  });

  test('a HubSpot 503 reaches the caller as a clean BACKEND_UNAVAILABLE with system and request id only', async () => {
    stack.hubspotSandbox.faults.add({ kind: 'error', status: 503 });
    try {
      const requestId = 'edge-test-request-0001';
      const res = await postGraphQL(stack.urls.gateway, 'query($id: ID!) { account(id: $id) { name } }', { id: stack.world.demo.accountId }, {
        authorization: `Bearer ${await stack.token({ sub: 'edge', roles: ['finance'] })}`, 'x-request-id': requestId,
      });
      const error = res.errors?.[0];
      assert.equal(error?.extensions?.code, 'BACKEND_UNAVAILABLE');
      assert.equal(error?.message, 'HubSpot is unavailable');
      assert.deepEqual(Object.keys(error!.extensions!).sort(), ['code', 'requestId', 'system']);
      assert.equal(error?.extensions?.system, 'hubspot');
      assert.equal(error?.extensions?.requestId, requestId);
      assert.equal(res.headers.get('x-request-id'), requestId);
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test("Odoo's own error text (naming its users and records) and diagnostic extensions stay out of the answer", async () => {
    const secret = "Sorry, integration.bot (id=7) doesn't have 'read' access to: Sales Order (sale.order) S00042 — contact admin@northwind.example";
    stack.odooSandbox.faults.odooError('AccessError', { model: 'sale.order', message: secret });
    try {
      const res = await stack.query('query($n: String!) { order(number: $n) { number } }', { n: stack.world.demo.orderNumber });
      const error = res.errors?.find((e) => e.extensions?.system === 'odoo');
      assert.ok(error, JSON.stringify(res.errors));
      assert.equal(error.extensions!.code, 'BACKEND_ACCESS_DENIED');
      const text = JSON.stringify(res.errors);
      for (const leak of ['integration.bot', 'id=7', 'admin@', 'AccessError', 'sale.order', 'search_read', 'attempts', 'backendName', 'serviceName', 'httpStatus']) {
        assert.ok(!text.includes(leak), `${leak} leaked: ${text}`);
      }
      assert.ok(error.extensions!.requestId);
    } finally {
      stack.odooSandbox.faults.clear();
    }
  });

  test('every extension a caller can receive is allow-listed, per registered code', () => {
    for (const [key, extra] of Object.entries(CODE_EXTENSIONS)) {
      assert.ok(key in ERRORS, key);
      for (const name of extra!) assert.ok(!(CALLER_EXTENSIONS as readonly string[]).includes(name), `${name} listed twice`);
    }
    assert.equal(errorKeyOf('INTERNAL_SERVER_ERROR'), 'INTERNAL');
    // A backend's text can only reach a caller through a backend code: each has a canonical message.
    for (const key of Object.keys(ERRORS).filter((k) => k.startsWith('BACKEND_') || k === 'MAPPING_ERROR' || k === 'INTERNAL')) {
      assert.ok(CALLER_MESSAGES[key as keyof typeof CALLER_MESSAGES], `${key} has a caller message`);
    }
  });
});
