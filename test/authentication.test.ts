// Every request has a verified identity: no or bad token → 401 UNAUTHENTICATED
// before anything runs; /health stays open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '../core/identity.ts';
import { postGraphQL } from './support/stack.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const QUERY = '{ products(first: 1) { edges { node { sku } } } }';

describe('gateway authentication', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  async function expect401(headers: Record<string, string>, label: string) {
    await stack.resetCounters();
    const res = await postGraphQL(stack.urls.gateway, QUERY, {}, headers);
    assert.equal(res.status, 401, label);
    assert.equal(res.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', label);
    assert.equal(res.data, undefined, label);
    assert.equal(stack.odooSandbox.log.count() + stack.hubspotSandbox.log.count(), 0, `${label}: no backend call`);
  }

  test('no token', () => expect401({}, 'no token'));

  test('not a bearer token', () => expect401({ authorization: 'Basic dXNlcjpwYXNz' }, 'basic auth'));

  test('a token signed with another key', async () => {
    const forged = await new SignJWT({ roles: ['finance'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory')
      .setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(48)));
    await expect401({ authorization: `Bearer ${forged}` }, 'forged');
  });

  test('an expired token', async () => {
    const expired = await stack.token({ sub: 'late', roles: ['finance'] }, '-10m');
    await expect401({ authorization: `Bearer ${expired}` }, 'expired');
  });

  test('an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'x', roles: ['finance'], iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    await expect401({ authorization: `Bearer ${header}.${payload}.` }, 'alg none');
  });

  test('a token with an unknown role or a customer without an account', async () => {
    const badRole = await new SignJWT({ roles: ['superuser'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x')
      .setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode((await import('../core/identity.ts')).DEV_CALLER_SECRET));
    await expect401({ authorization: `Bearer ${badRole}` }, 'unknown role');
    const noAccount = await stack.token({ sub: 'c', roles: ['customer'] });
    await expect401({ authorization: `Bearer ${noAccount}` }, 'customer without accountId');
    const mixed = await stack.token({ sub: 'c', roles: ['customer', 'finance'], accountId: stack.world.demo.accountId });
    await expect401({ authorization: `Bearer ${mixed}` }, 'customer mixed with finance');
  });

  test('a valid token is served', async () => {
    const res = await stack.query(QUERY, {}, { role: 'sales_rep' });
    assert.equal(res.status, 200);
    assert.equal(res.errors, undefined);
  });

  test('/health answers without a token', async () => {
    const res = await fetch(stack.urls.gateway.replace('/graphql', '/health'));
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, 'ok');
  });

  test('the 401 body carries no token and no stack trace', async () => {
    const res = await fetch(stack.urls.gateway, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' }, body: JSON.stringify({ query: QUERY }) });
    const text = await res.text();
    assert.ok(!text.includes('abc.def.ghi'));
    assert.ok(!/at .*\.ts:\d+/.test(text));
  });
});
