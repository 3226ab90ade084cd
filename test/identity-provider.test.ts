// Production identity: the gateway verifies tokens against an identity provider's
// JWKS (RS256), with the configured issuer and audience — here a JWKS served on
// loopback, as a real provider would serve it.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { loadGatewayConfig } from '../gateway/config.ts';
import { closeServer, listen } from '../core/http.ts';
import { createCallerVerifier, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET } from '../core/identity.ts';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'odoo-crm-supergraph';

describe('tokens from an identity provider (JWKS)', () => {
  let jwksServer: http.Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;
  before(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as CryptoKey;
    otherKey = (await generateKeyPair('RS256')).privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwksServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    jwksUrl = `${await listen(jwksServer)}/.well-known/jwks.json`;
  });
  after(() => closeServer(jwksServer));

  const sign = (key: CryptoKey, claims: Record<string, unknown>, opts: { iss?: string; aud?: string; exp?: string } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('alice@corp').setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE).setIssuedAt().setExpirationTime(opts.exp ?? '5m').sign(key);

  test('a token signed by the provider with the right issuer and audience is accepted', async () => {
    const verify = createCallerVerifier({ mode: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const identity = await verify(`Bearer ${await sign(privateKey, { roles: ['sales_rep'], crmOwnerId: '81460202', companyIds: [1] })}`);
    assert.deepEqual(identity.roles, ['sales_rep']);
    assert.equal(identity.sub, 'alice@corp');
    assert.deepEqual(identity.companyIds, [1]);
    assert.equal(identity.crmOwnerId, '81460202');
  });

  test('wrong key, issuer, audience, expiry or an HS256 token are refused with UNAUTHENTICATED', async () => {
    const verify = createCallerVerifier({ mode: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const hs = await new SignJWT({ roles: ['finance'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(DEV_CALLER_SECRET));
    for (const [label, token] of [
      ['other key', await sign(otherKey, { roles: ['finance'] })],
      ['other issuer', await sign(privateKey, { roles: ['finance'] }, { iss: 'https://evil.example/' })],
      ['other audience', await sign(privateKey, { roles: ['finance'] }, { aud: 'another-api' })],
      ['expired', await sign(privateKey, { roles: ['finance'] }, { exp: '-1m' })],
      ['HS256 with the dev secret', hs],
    ] as const) {
      await assert.rejects(verify(`Bearer ${token}`), (e: { code?: string }) => e.code === 'UNAUTHENTICATED', label);
    }
  });

  test('configuration: jwks mode needs URL, issuer and audience; production refuses the embedded secrets', () => {
    assert.throws(() => loadGatewayConfig({ AUTH_MODE: 'jwks' }), (e: { code?: string; details?: { field?: string } }) => e.code === 'CONFIG_INVALID' && e.details?.field === 'AUTH_JWKS_URL');
    assert.throws(() => loadGatewayConfig({ NODE_ENV: 'production' }), (e: { code?: string; details?: { field?: string } }) => e.code === 'CONFIG_INVALID' && e.details?.field === 'AUTH_JWT_SECRET');
    assert.throws(() => loadGatewayConfig({ NODE_ENV: 'production', AUTH_MODE: 'jwks', AUTH_JWKS_URL: 'https://idp/jwks', AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }), (e: { details?: { field?: string } }) => e.details?.field === 'INTERNAL_TOKEN_SECRET');
    const ok = loadGatewayConfig({ NODE_ENV: 'production', AUTH_MODE: 'jwks', AUTH_JWKS_URL: 'https://idp/jwks', AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, INTERNAL_TOKEN_SECRET: 'p'.repeat(40) });
    assert.equal(ok.AUTH_MODE, 'jwks');
    assert.notEqual(ok.INTERNAL_TOKEN_SECRET, DEV_INTERNAL_SECRET);
  });
});
