// The gateway remembers a caller token it verified, until that token's own expiry and
// no longer, in a bounded cache; it never remembers a refusal. The clock is injected
// (no waiting on wall time): each test moves it past the instants that matter.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { createCallerVerifier, DEV_CALLER_SECRET, signInternalToken, verifyInternalToken, DEV_INTERNAL_SECRET } from '../core/identity.ts';

const ISSUER = 'bench-test-issuer';
const AUDIENCE = 'bench-test-audience';
const T0 = 1_900_000_000;

function token(claims: Record<string, unknown>, times: { iat: number; exp: number; nbf?: number }, secret = DEV_CALLER_SECRET): Promise<string> {
  let jwt = new SignJWT({ roles: ['finance'], ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(String(claims.sub ?? 'fin'))
    .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(times.iat).setExpirationTime(times.exp);
  if (times.nbf !== undefined) jwt = jwt.setNotBefore(times.nbf);
  return jwt.sign(new TextEncoder().encode(secret));
}

function verifier(clock: { now: number }, cacheSize?: number) {
  return createCallerVerifier({ mode: 'hs256', secret: DEV_CALLER_SECRET, issuer: ISSUER, audience: AUDIENCE, clockSkewSeconds: 0, cacheSize, nowSeconds: () => clock.now });
}

describe('verified caller tokens are remembered until they expire, within a bound', () => {
  test('a cached token is refused once its exp has passed', async () => {
    const clock = { now: T0 };
    const verify = verifier(clock);
    const t = await token({ sub: 'fin' }, { iat: T0, exp: T0 + 60 });
    assert.equal((await verify(`Bearer ${t}`)).sub, 'fin');
    assert.equal(verify.cachedTokens(), 1);
    clock.now = T0 + 59;
    assert.equal((await verify(`Bearer ${t}`)).sub, 'fin');
    clock.now = T0 + 60;
    await assert.rejects(verify(`Bearer ${t}`), (e: { code?: string; message?: string }) => e.code === 'UNAUTHENTICATED' && /expired/.test(e.message ?? ''));
    assert.equal(verify.cachedTokens(), 0);
  });

  test('the cache holds at most its bound, dropping the least recently used token', async () => {
    const clock = { now: T0 };
    const verify = verifier(clock, 3);
    const tokens = await Promise.all([1, 2, 3, 4, 5].map((i) => token({ sub: `u${i}` }, { iat: T0, exp: T0 + 600 })));
    for (const t of tokens) await verify(`Bearer ${t}`);
    assert.equal(verify.cachedTokens(), 3);
    // Each remembered token still answers with its own identity.
    for (const [i, t] of tokens.entries()) assert.equal((await verify(`Bearer ${t}`)).sub, `u${i + 1}`);
    assert.equal(verify.cachedTokens(), 3);
  });

  test('a refused token is not remembered, and does not affect a valid one', async () => {
    const clock = { now: T0 };
    const verify = verifier(clock);
    const forged = await token({ sub: 'mallory' }, { iat: T0, exp: T0 + 600 }, 'not-the-secret-0123456789abcdef-0123456789');
    await assert.rejects(verify(`Bearer ${forged}`), { code: 'UNAUTHENTICATED' });
    await assert.rejects(verify(`Bearer ${forged}`), { code: 'UNAUTHENTICATED' });
    assert.equal(verify.cachedTokens(), 0);
    const early = await token({ sub: 'early' }, { iat: T0, exp: T0 + 600, nbf: T0 + 100 });
    await assert.rejects(verify(`Bearer ${early}`), { code: 'UNAUTHENTICATED' });
    clock.now = T0 + 100;
    assert.equal((await verify(`Bearer ${early}`)).sub, 'early');
  });

  test('the identity served from the cache cannot be changed by a request', async () => {
    const clock = { now: T0 };
    const verify = verifier(clock);
    const t = await token({ sub: 'fin' }, { iat: T0, exp: T0 + 600 });
    const first = await verify(`Bearer ${t}`);
    assert.throws(() => (first.roles as string[]).push('integration_admin'));
    assert.deepEqual((await verify(`Bearer ${t}`)).roles, ['finance']);
  });
});

describe('internal credentials signed with node:crypto HMAC', () => {
  test('the subgraphs (jose) accept them for their audience only, and refuse another secret', async () => {
    const identity = { sub: 'rep', roles: ['sales_rep' as const], accountId: null, companyIds: [1, 2], scopes: ['bi:commercial'], crmOwnerId: '81460202' };
    const t = await signInternalToken(identity, 'odoo', DEV_INTERNAL_SECRET, 'req-1');
    assert.deepEqual(await verifyInternalToken(t, 'odoo', DEV_INTERNAL_SECRET), identity);
    await assert.rejects(verifyInternalToken(t, 'crm', DEV_INTERNAL_SECRET), { code: 'FORBIDDEN' });
    await assert.rejects(verifyInternalToken(t, 'odoo', `${DEV_INTERNAL_SECRET}x`), { code: 'UNAUTHENTICATED' });
  });
});
