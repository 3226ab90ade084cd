// Subgraphs accept requests only from the gateway: its credential is a short-lived
// JWT signed with a key only gateway and subgraphs hold, minted for one subgraph.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, INTERNAL_ISSUER, signInternalToken } from '../core/identity.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku name } } }`;
const finance = { sub: 'svc', roles: ['finance' as const], accountId: null, companyIds: null, scopes: [] };

describe('subgraphs refuse callers that are not the gateway', () => {
  let stack: TestStack;
  let representations: unknown[];
  before(async () => {
    stack = await startTestStack();
    const res = await stack.query('query($s: String!) { product(sku: $s) { id } }', { s: stack.world.demo.productSku });
    representations = [{ __typename: 'Product', id: res.data.product.id }];
  });
  after(() => stack.close());

  async function call(url: string, headers: Record<string, string>) {
    await stack.resetCounters();
    const res = await postGraphQL(url, ENTITIES, { r: representations }, headers);
    return { ...res, backendCalls: stack.odooSandbox.log.count() + stack.hubspotSandbox.log.count() };
  }

  test('no credential → 401, no backend call', async () => {
    for (const url of [stack.urls.odooSubgraph, stack.urls.crmSubgraph]) {
      const res = await call(url, {});
      assert.equal(res.status, 401);
      assert.equal(res.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.equal(res.backendCalls, 0);
    }
  });

  test('a forged role header or a caller token instead of the gateway credential → 401', async () => {
    const callerToken = await stack.token({ sub: 'x', roles: ['finance'] });
    for (const headers of <Array<Record<string, string>>>[
      { 'x-role': 'finance', 'x-user': 'admin' },
      { [IDENTITY_HEADER]: 'finance' },
      { [IDENTITY_HEADER]: callerToken },
      { authorization: `Bearer ${callerToken}` },
    ]) {
      const res = await call(stack.urls.odooSubgraph, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.backendCalls, 0);
    }
  });

  test('an expired gateway credential → 401', async () => {
    const expired = await new SignJWT({ roles: ['finance'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('svc').setIssuer(INTERNAL_ISSUER)
      .setAudience('odoo').setIssuedAt(Math.floor(Date.now() / 1000) - 600).setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(new TextEncoder().encode(DEV_INTERNAL_SECRET));
    const res = await call(stack.urls.odooSubgraph, { [IDENTITY_HEADER]: expired });
    assert.equal(res.status, 401);
    assert.equal(res.backendCalls, 0);
  });

  test('a credential re-signed with another key (e.g. to raise the role) → 401', async () => {
    const resigned = await signInternalToken({ ...finance, roles: ['finance', 'integration_admin'] }, 'odoo', 'z'.repeat(48), 'rid-resigned-0001');
    const res = await call(stack.urls.odooSubgraph, { [IDENTITY_HEADER]: resigned });
    assert.equal(res.status, 401);
    assert.equal(res.backendCalls, 0);
  });

  test('a valid credential minted for the other subgraph → 403', async () => {
    const forCrm = await signInternalToken(finance, 'crm', DEV_INTERNAL_SECRET, 'rid-aud-00000001');
    const res = await call(stack.urls.odooSubgraph, { [IDENTITY_HEADER]: forCrm });
    assert.equal(res.status, 403);
    assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(res.backendCalls, 0);
  });

  test("the gateway's own credential is accepted (the control case)", async () => {
    const valid = await signInternalToken(finance, 'odoo', DEV_INTERNAL_SECRET, 'rid-valid-000001');
    const res = await call(stack.urls.odooSubgraph, { [IDENTITY_HEADER]: valid });
    assert.equal(res.status, 200);
    assert.equal(res.data._entities[0].sku, stack.world.demo.productSku);
  });

  test('subgraph /health stays open for orchestration probes', async () => {
    const res = await fetch(stack.urls.odooSubgraph.replace('/graphql', '/health'));
    assert.equal(res.status, 200);
  });
});
