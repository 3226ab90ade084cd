// Caller tokens the gateway refuses even when the signature is good: no expiry,
// a lifetime over the maximum, or issued in the future; and an anonymous client
// cannot hold a connection by sending its body slowly.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_ISSUER, DEFAULT_TOKEN_LIMITS } from '../core/identity.ts';
import { devToken } from '../scripts/dev-tokens.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

const QUERY = '{ products(first: 1) { edges { node { sku } } } }';
const now = () => Math.floor(Date.now() / 1000);

function signed(claims: { iat?: number; exp?: number }): Promise<string> {
  let jwt = new SignJWT({ roles: ['finance'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('t').setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(DEV_CALLER_SECRET));
}

describe('caller token rules and slow clients at the gateway edge', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  async function status(token: string): Promise<{ status: number; code?: string; message?: string }> {
    await stack.resetCounters();
    const res = await postGraphQL(stack.urls.gateway, QUERY, {}, { authorization: `Bearer ${token}` });
    if (res.status === 401) assert.equal(stack.odooSandbox.log.count() + stack.hubspotSandbox.log.count(), 0, 'no backend call');
    return { status: res.status, code: res.errors?.[0]?.extensions?.code, message: res.errors?.[0]?.message };
  }

  test('a well-signed token without exp is refused', async () => {
    const r = await status(await signed({ iat: now() }));
    assert.equal(r.status, 401);
    assert.equal(r.code, 'UNAUTHENTICATED');
  });

  test('a token living longer than the maximum is refused; one at the maximum is served', async () => {
    const max = DEFAULT_TOKEN_LIMITS.maxLifetimeSeconds;
    assert.equal((await status(await signed({ iat: now(), exp: now() + max + 3600 }))).status, 401, 'iat + max + 1h');
    assert.equal((await status(await signed({ exp: now() + max + 3600 }))).status, 401, 'no iat, exp beyond now + max');
    assert.equal((await status(await signed({ iat: now(), exp: now() + max }))).status, 200, 'exactly the maximum');
  });

  test('a token issued in the future (beyond the clock skew) is refused; a small skew is tolerated', async () => {
    assert.equal((await status(await signed({ iat: now() + 3600, exp: now() + 7200 }))).status, 401);
    assert.equal((await status(await signed({ iat: now() + 5, exp: now() + 600 }))).status, 200);
  });

  test('the dev-token script mints compliant tokens and refuses to mint a non-compliant one', async () => {
    assert.equal((await status(await devToken({ role: 'finance' }))).status, 200);
    await assert.rejects(devToken({ role: 'finance', expiresIn: '30d' }), (e: { code?: string }) => e.code === 'UNAUTHENTICATED');
  });

  test('a slow body without a valid token is answered 401 before the body is complete, and the connection is closed', { timeout: 20_000 }, async () => {
    const url = new URL(stack.urls.gateway);
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000' } });
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    req.write('{"query": "{ products(first: 1) { totalCount } }", "padding": "'); // 99.9 KB still to come, never sent
    const res = await response;
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers.connection, 'close');
    const body = await new Promise<string>((resolve) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text));
    });
    assert.equal(JSON.parse(body).errors[0].extensions.code, 'UNAUTHENTICATED');
    req.destroy();
  });

  test('every GraphQL server has bounded header, request and keep-alive timeouts', () => {
    for (const server of [stack.gateway.server, stack.odooSubgraph.server, stack.crmSubgraph.server, stack.writesSubgraph.server]) {
      assert.ok(server.headersTimeout > 0 && server.headersTimeout <= 60_000, `headersTimeout ${server.headersTimeout}`);
      assert.ok(server.requestTimeout > 0 && server.requestTimeout <= 60_000, `requestTimeout ${server.requestTimeout}`);
      assert.ok(server.keepAliveTimeout > 0 && server.keepAliveTimeout <= 60_000, `keepAliveTimeout ${server.keepAliveTimeout}`);
    }
  });
});
