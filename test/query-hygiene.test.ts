// Query limits and hygiene at the gateway: too deep, alias bombs, too costly,
// oversized bodies and cross-site requests are refused before any backend call;
// production hides the schema (no introspection, no suggestions).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';

function deep(levels: number): string {
  let inner = 'number';
  for (let i = 0; i < levels; i++) inner = `order { account { orders(first: 1) { edges { node { ${inner} } } } } }`;
  return `{ orders(first: 1) { edges { node { ${inner} } } } }`;
}

describe('query limits and hygiene', () => {
  let stack: TestStack;
  let production: TestStack;
  before(async () => {
    stack = await startTestStack();
    production = await startTestStack({ production: true });
  });
  after(async () => {
    await stack.close();
    await production.close();
  });

  async function refusedBeforeBackend(query: string, code: string, label: string) {
    await stack.resetCounters();
    const res = await stack.query(query);
    assert.equal(res.errors?.[0]?.extensions?.code, code, `${label}: ${JSON.stringify(res.errors)}`);
    assert.equal(res.data ?? null, null, label);
    assert.equal(stack.odooSandbox.log.count() + stack.hubspotSandbox.log.count(), 0, `${label}: backend was called`);
  }

  test('too deep', () => refusedBeforeBackend(deep(4), 'QUERY_TOO_COMPLEX', 'depth'));

  test('alias bomb', () => refusedBeforeBackend(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: orders(first: 1) { totalCount }`).join(' ')} }`, 'QUERY_TOO_COMPLEX', 'aliases'));

  test('too costly (page sizes count)', () =>
    refusedBeforeBackend('{ accounts(first: 100) { edges { node { orders(first: 100) { edges { node { lines { product { availability { warehouse } } } } } } } } } }', 'QUERY_TOO_COMPLEX', 'cost'));

  test('page size over the maximum', () => refusedBeforeBackend('{ orders(first: 1000) { totalCount } }', 'BAD_USER_INPUT', 'first'));

  test('a body over the size limit is refused with 413', async () => {
    const token = await stack.token({ sub: 'big', roles: ['finance'] });
    const res = await fetch(stack.urls.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ orders(first: 1) { totalCount } } # ${'x'.repeat(1_100_000)}` }),
    });
    assert.equal(res.status, 413);
  });

  test('CSRF prevention: a simple cross-site GET without a preflight header is refused', async () => {
    const token = await stack.token({ sub: 'csrf', roles: ['finance'] });
    const res = await fetch(`${stack.urls.gateway}?query=${encodeURIComponent('{ orders(first: 1) { totalCount } }')}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 400);
  });

  test('introspection: on in development, off in production', async () => {
    const q = '{ __schema { queryType { name } } }';
    assert.equal((await stack.query(q)).data?.__schema?.queryType?.name, 'Query');
    const res = await production.query(q);
    assert.ok(res.errors?.length);
    assert.equal(res.data?.__schema ?? null, null);
  });

  test('field suggestions: shown in development, hidden in production', async () => {
    const q = '{ orders(first: 1) { totalCont } }';
    const dev = await stack.query(q);
    assert.match(dev.errors?.[0]?.message ?? '', /Did you mean/);
    const prod = await production.query(q);
    assert.ok(prod.errors?.length);
    assert.doesNotMatch(prod.errors![0]!.message, /Did you mean/);
  });

  test('no stack traces in production errors', async () => {
    const res = await production.query('{ order(id: "garbage") { number } }');
    assert.ok(res.errors?.length);
    assert.ok(!JSON.stringify(res.errors).includes('stacktrace'));
  });
});
