// CORS: a portal page on an origin the operator allowed (CORS_ORIGINS) can call the
// gateway — its preflight is answered without a token and the answer carries the
// CORS headers; any other origin gets no CORS header and its preflight is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCorsOrigins } from '../core/http.ts';
import { loadGatewayConfig } from '../gateway/config.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const PORTAL = 'https://portal.example.com';
const OTHER = 'https://evil.example.net';

describe('CORS allow-list', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ gateway: { cors: { origins: parseCorsOrigins(`${PORTAL}, http://localhost:5173`) } } });
  });
  after(() => stack.close());

  const preflight = (origin: string) =>
    fetch(stack.urls.gateway, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

  test('a preflight from an allowed origin is answered without authentication', async () => {
    const res = await preflight(PORTAL);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), PORTAL);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(res.headers.get('vary'), 'Origin');
  });

  test('a preflight from another origin is refused and carries no CORS header', async () => {
    const res = await preflight(OTHER);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  test('the answer to an allowed origin carries its CORS headers; another origin gets none', async () => {
    const token = await stack.token({ sub: 'cors', roles: ['finance'] });
    const ask = (origin: string) => fetch(stack.urls.gateway, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const allowed = await ask(PORTAL);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), PORTAL);
    assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
    const other = await ask(OTHER);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('none by default, and CORS_ORIGINS accepts origins only', () => {
    assert.deepEqual(loadGatewayConfig({ ALLOW_DEV_SECRETS: '1' }).CORS_ORIGINS, []);
    assert.deepEqual(loadGatewayConfig({ ALLOW_DEV_SECRETS: '1', CORS_ORIGINS: `${PORTAL},http://localhost:5173` }).CORS_ORIGINS, [PORTAL, 'http://localhost:5173']);
    assert.throws(() => loadGatewayConfig({ ALLOW_DEV_SECRETS: '1', CORS_ORIGINS: 'https://portal.example.com/app' }), /CORS_ORIGINS/);
    assert.throws(() => loadGatewayConfig({ ALLOW_DEV_SECRETS: '1', CORS_ORIGINS: '*' }), /CORS_ORIGINS/);
  });
});

describe('CORS off by default', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('every preflight is refused when no origin is configured', async () => {
    const res = await fetch(stack.urls.gateway, { method: 'OPTIONS', headers: { origin: PORTAL, 'access-control-request-method': 'POST' } });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });
});
