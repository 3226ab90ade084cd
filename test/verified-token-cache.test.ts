// The gateway remembers a caller token it verified, until that token's own expiry and
// no longer, in a bounded cache; it never remembers a refusal. The clock is injected
// (no waiting on wall time): each test moves it past the instants that matter.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { createCallerVerifier, DEV_CALLER_SECRET, INTERNAL_ISSUER, signInternalToken, verifyInternalToken, DEV_INTERNAL_SECRET } from '../core/identity.ts';

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

  // The subgraphs check the credential with node:crypto, not jose: every rule jose's jwtVerify applied still holds, and a few more.
  const key = new TextEncoder().encode(DEV_INTERNAL_SECRET);
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { roles: ['finance'], sub: 'svc', iss: INTERNAL_ISSUER, aud: 'odoo' };
  const jose = (header: Record<string, unknown>, payload: Record<string, unknown>) => new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  /** Signed by hand, for headers jose will not produce. */
  const hs256 = (header: Record<string, unknown>, payload: Record<string, unknown>) => {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${createHmac('sha256', DEV_INTERNAL_SECRET).update(input).digest('base64url')}`;
  };
  const refused = (t: string) => assert.rejects(verifyInternalToken(t, 'odoo', DEV_INTERNAL_SECRET), { code: 'UNAUTHENTICATED' });

  test('a credential any HS256 JWT library signs with the secret is accepted (header without typ, iat and nbf in range)', async () => {
    const t = await jose({ alg: 'HS256' }, { ...claims, iat: now(), nbf: now() - 1, exp: now() + 60 });
    assert.deepEqual((await verifyInternalToken(t, 'odoo', DEV_INTERNAL_SECRET)).roles, ['finance']);
    // exp within the 5 s clock tolerance still holds.
    await verifyInternalToken(await jose({ alg: 'HS256' }, { ...claims, exp: now() - 2 }), 'odoo', DEV_INTERNAL_SECRET);
  });

  test('refused: expired, not yet valid, no exp, another issuer, times that are not numbers', async () => {
    await refused(await jose({ alg: 'HS256' }, { ...claims, exp: now() - 10 }));
    await refused(await jose({ alg: 'HS256' }, { ...claims, nbf: now() + 60, exp: now() + 120 }));
    await refused(await jose({ alg: 'HS256' }, { ...claims }));
    await refused(await jose({ alg: 'HS256' }, { ...claims, iss: 'someone-else', exp: now() + 60 }));
    await refused(await jose({ alg: 'HS256' }, { ...claims, exp: String(now() + 60) }));
    await refused(await jose({ alg: 'HS256' }, { ...claims, iat: 'yesterday', exp: now() + 60 }));
  });

  test('refused: another algorithm, alg none, crit or b64 in the header, a tampered or re-encoded signature, a malformed token', async () => {
    const good = await signInternalToken({ sub: 'svc', roles: ['finance'], accountId: null, companyIds: [1], scopes: [], crmOwnerId: null }, 'odoo', DEV_INTERNAL_SECRET, 'r');
    const [h, p, sig] = good.split('.') as [string, string, string];
    await refused(await jose({ alg: 'HS512' }, { ...claims, exp: now() + 60 }));
    await refused(`${b64({ alg: 'none' })}.${p}.`);
    await refused(`${b64({ alg: 'none' })}.${p}`);
    await refused(hs256({ alg: 'HS256', crit: ['x-policy'], 'x-policy': 1 }, { ...claims, exp: now() + 60 }));
    await refused(hs256({ alg: 'HS256', b64: true }, { ...claims, exp: now() + 60 }));
    assert.ok(await verifyInternalToken(hs256({ alg: 'HS256' }, { ...claims, exp: now() + 60 }), 'odoo', DEV_INTERNAL_SECRET), 'the control: the same construction with a plain header passes');
    // The payload changed under the old signature (a raised role), and a flipped signature character.
    await refused(`${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['admin'] })}.${sig}`);
    await refused(`${h}.${p}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
    // Same bytes, non-canonical text: padding, or base64 instead of base64url.
    await refused(`${h}.${p}.${sig}=`);
    await refused(`${h}.${p}.${Buffer.from(sig, 'base64url').toString('base64')}`);
    for (const t of ['', 'a', 'a.b', `${h}.${p}.${sig}.x`, `.${p}.${sig}`, `${h}..${sig}`, `${b64('[1]')}.${p}.${sig}`, `${h}.${b64('"text"')}.${sig}`]) await refused(t);
  });
});
