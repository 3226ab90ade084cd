// Who is calling. The gateway verifies the caller's bearer JWT (jose) and forwards
// the identity to subgraphs as a short-lived token signed with a key only the
// gateway and the subgraphs hold (audience = the subgraph). A subgraph trusts
// nothing else: no header, no unsigned claim, no token for another audience.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import { z } from 'zod';
import { appError, isAppError } from '../policy/errors.ts';
import { ROLES, ROW_LIMITS, type Identity, type Role } from '../policy/permissions.ts';

// The role list lives with the permission table; re-exported for the callers of identity.
export { ROLES, type Identity, type Role };


const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1).max(6),
  accountId: z.string().min(1).max(200).optional(),
  companyIds: z.array(z.number().int().positive()).max(50).optional(),
  scope: z.string().max(1000).optional(),
  crmOwnerId: z.string().regex(/^[0-9]{1,18}$/).optional(),
});

/** Turns verified claims into an Identity; claims that make no sense are refused, not guessed. */
export function identityFromClaims(payload: JWTPayload): Identity {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) throw appError('UNAUTHENTICATED', 'Token claims are incomplete or invalid');
  const c = parsed.data;
  for (const role of c.roles) {
    const limit = ROW_LIMITS[role];
    if (limit.rows !== 'own-account') continue;
    // Separation of duties: a row-limited token (a customer's) carries nothing else, and always names what it is limited to.
    if (c.roles.length > 1) throw appError('UNAUTHENTICATED', `A ${role} token cannot carry other roles`);
    if (!c[limit.claim]) throw appError('UNAUTHENTICATED', `A ${role} token must carry ${limit.claim}`);
  }
  return {
    sub: c.sub,
    roles: [...new Set(c.roles)],
    accountId: c.accountId ?? null,
    companyIds: c.companyIds ?? null,
    scopes: c.scope ? c.scope.split(/\s+/).filter(Boolean) : [],
    crmOwnerId: c.crmOwnerId ?? null,
  };
}

export const INTERNAL_ISSUER = 'odoo-crm-supergraph/gateway';
export const IDENTITY_HEADER = 'x-gateway-identity';
const INTERNAL_TTL_SECONDS = 60;

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** The internal secret as a key object, made once per secret rather than once per subgraph call. */
const hmacKeys = new Map<string, KeyObject>();
function hmacKey(secret: string): KeyObject {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    hmacKeys.set(secret, key);
  }
  return key;
}
const INTERNAL_JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Gateway side: the identity for one subgraph call, valid for a minute. The same
 * compact HS256 JWT `SignJWT` made (any JWT library verifies it), signed with
 * node:crypto HMAC on a key made once: jose re-imported the key on every signature,
 * two per request (issue 13). verifyInternalToken checks it the same way.
 */
export async function signInternalToken(identity: Identity, audience: string, secret: string, requestId: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const payload = {
    roles: identity.roles,
    ...(identity.accountId ? { accountId: identity.accountId } : {}),
    ...(identity.companyIds ? { companyIds: identity.companyIds } : {}),
    ...(identity.scopes.length ? { scope: identity.scopes.join(' ') } : {}),
    ...(identity.crmOwnerId ? { crmOwnerId: identity.crmOwnerId } : {}),
    rid: requestId,
    sub: identity.sub,
    iss: INTERNAL_ISSUER,
    aud: audience,
    iat,
    exp: iat + INTERNAL_TTL_SECONDS,
  };
  const signingInput = `${INTERNAL_JWT_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', hmacKey(secret)).update(signingInput).digest('base64url')}`;
}

/**
 * Subgraph side: the only way a request gets an identity. Missing, forged,
 * expired or re-signed → UNAUTHENTICATED (401); a valid token minted for another
 * subgraph → FORBIDDEN (403).
 */
export async function verifyInternalToken(token: string | undefined, audience: string, secret: string): Promise<Identity> {
  if (!token) throw appError('UNAUTHENTICATED', 'Subgraphs accept requests from the gateway only', { httpStatus: 401 });
  const payload = verifyInternalJwt(token, secret);
  if (!payload) throw appError('UNAUTHENTICATED', 'Invalid gateway credential', { httpStatus: 401 });
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(audience)) throw appError('FORBIDDEN', 'This gateway credential is for another subgraph', { httpStatus: 403 });
  try {
    return identityFromClaims(payload);
  } catch {
    throw appError('UNAUTHENTICATED', 'Invalid gateway credential', { httpStatus: 401 });
  }
}

/** Clock difference tolerated on the internal credential's exp and nbf (gateway and subgraphs on different hosts). */
const INTERNAL_CLOCK_TOLERANCE_S = 5;

/**
 * The claims of an internal credential whose HS256 signature, issuer and times hold;
 * null otherwise. Checked with node:crypto HMAC on the key made once, as
 * signInternalToken signs: jose's jwtVerify went through WebCrypto on every subgraph
 * request (about 4.5% of the crm subgraph's CPU in `npm run bench:subgraph-cpu`).
 * Stricter than jwtVerify where that costs nothing: the header may name HS256 and
 * nothing else that changes the meaning (no crit, no b64), the signature must be the
 * canonical base64url of the HMAC (compared in constant time), and exp is required.
 */
function verifyInternalJwt(token: string, secret: string): JWTPayload | null {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) return null;
  const header = token.slice(0, first);
  if (header !== INTERNAL_JWT_HEADER) {
    const h = parseJsonObject(header);
    if (!h || h.alg !== 'HS256' || 'crit' in h || 'b64' in h) return null;
  }
  const expected = Buffer.from(createHmac('sha256', hmacKey(secret)).update(token.slice(0, second)).digest('base64url'));
  const given = Buffer.from(token.slice(second + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const payload = parseJsonObject(token.slice(first + 1, second)) as JWTPayload | null;
  if (!payload || payload.iss !== INTERNAL_ISSUER) return null;
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== 'number' || payload.exp <= now - INTERNAL_CLOCK_TOLERANCE_S) return null;
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now + INTERNAL_CLOCK_TOLERANCE_S)) return null;
  if (payload.iat !== undefined && typeof payload.iat !== 'number') return null;
  return payload;
}

/** A base64url JSON object, or null for anything else (bad encoding, bad JSON, an array, a scalar). */
function parseJsonObject(part: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface CallerVerifierConfig {
  mode: 'hs256' | 'jwks';
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Longest lifetime (exp − iat, or exp − now without iat) a caller token may have; default DEFAULT_TOKEN_LIMITS. */
  maxLifetimeSeconds?: number;
  /** Clock difference tolerated on exp, nbf and iat. */
  clockSkewSeconds?: number;
}

/** Defaults of the caller-token rules (gateway/config.ts: AUTH_MAX_TOKEN_LIFETIME_S, AUTH_CLOCK_SKEW_S). */
export const DEFAULT_TOKEN_LIMITS = { maxLifetimeSeconds: 12 * 3600, clockSkewSeconds: 30 } as const;

/**
 * A token that never expires, or that lives for days, is a stolen credential
 * waiting to happen; one "issued" in the future was minted by a broken or hostile
 * issuer. Checked after the signature, so the claims are the issuer's.
 */
export function checkTokenLifetime(payload: JWTPayload, limits: { maxLifetimeSeconds: number; clockSkewSeconds: number }, nowSeconds = Math.floor(Date.now() / 1000)): void {
  if (typeof payload.exp !== 'number') throw appError('UNAUTHENTICATED', 'The token must carry an expiry (exp)', { httpStatus: 401 });
  if (payload.iat !== undefined && payload.iat > nowSeconds + limits.clockSkewSeconds) {
    throw appError('UNAUTHENTICATED', 'The token is issued in the future (iat)', { httpStatus: 401 });
  }
  const issued = typeof payload.iat === 'number' ? payload.iat : nowSeconds;
  if (payload.exp - issued > limits.maxLifetimeSeconds + limits.clockSkewSeconds) {
    throw appError('UNAUTHENTICATED', `The token lives longer than the maximum of ${limits.maxLifetimeSeconds} s`, { httpStatus: 401 });
  }
}

/** Verified caller tokens kept at most (each entry: the token string and its identity). */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Gateway side: verifies the caller's bearer token (HS256 shared secret, or an issuer's JWKS).
 * A token that verified is remembered (bounded, least recently used first out) until
 * its own `exp`, never past it, so a client re-sending its token costs a map lookup
 * instead of a signature check (issue 13). Only successes are remembered: a refused
 * token is checked again every time, so a failure cannot stick to a later valid token.
 */
export function createCallerVerifier(
  config: CallerVerifierConfig & { cacheSize?: number; nowSeconds?: () => number },
): ((authorization: string | undefined) => Promise<Identity>) & { cachedTokens: () => number } {
  const jwks = config.mode === 'jwks' ? createRemoteJWKSet(new URL(config.jwksUrl!)) : null;
  const key = config.mode === 'hs256' ? secretKey(config.secret!) : null;
  const limits = {
    maxLifetimeSeconds: config.maxLifetimeSeconds ?? DEFAULT_TOKEN_LIMITS.maxLifetimeSeconds,
    clockSkewSeconds: config.clockSkewSeconds ?? DEFAULT_TOKEN_LIMITS.clockSkewSeconds,
  };
  const now = config.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const cacheSize = config.cacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;
  const verified = new Map<string, { identity: Identity; exp: number }>();
  const verify = async (authorization: string | undefined): Promise<Identity> => {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization ?? '');
    if (!match) throw appError('UNAUTHENTICATED', 'A bearer token is required', { httpStatus: 401 });
    const token = match[1]!;
    const nowS = now();
    const hit = verified.get(token);
    if (hit) {
      verified.delete(token);
      // Strictly before exp: the skew tolerance is for full verification, not for the cache.
      if (nowS < hit.exp) {
        verified.set(token, hit);
        return hit.identity;
      }
    }
    try {
      const options = { issuer: config.issuer, audience: config.audience, clockTolerance: limits.clockSkewSeconds, requiredClaims: ['exp'], currentDate: new Date(nowS * 1000) };
      const { payload } = jwks
        ? await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] })
        : await jwtVerify(token, key!, { ...options, algorithms: ['HS256'] });
      checkTokenLifetime(payload, limits, nowS);
      const identity = deepFreeze(identityFromClaims(payload));
      // A token not yet valid (nbf) or already in its skew grace period is not remembered.
      const notBefore = typeof payload.nbf === 'number' ? payload.nbf : -Infinity;
      if (cacheSize > 0 && nowS < payload.exp! && nowS >= notBefore) {
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, { identity, exp: payload.exp! });
      }
      return identity;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw appError('UNAUTHENTICATED', 'The token has expired', { httpStatus: 401 });
      if (isAppError(e)) throw e;
      throw appError('UNAUTHENTICATED', 'The token is invalid', { httpStatus: 401 });
    }
  };
  return Object.assign(verify, { cachedTokens: () => verified.size });
}

/** One identity object serves every request carrying its token: nothing may change it. */
function deepFreeze(identity: Identity): Identity {
  for (const v of Object.values(identity)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze(identity);
}

/** Dev helper and tests: a caller token signed with the embedded HS256 secret. */
export async function signCallerToken(
  claims: { sub: string; roles: Role[]; accountId?: string; companyIds?: number[]; scope?: string; crmOwnerId?: string },
  secret: string,
  opts: { issuer?: string; audience?: string; expiresIn?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({ roles: claims.roles, ...(claims.accountId ? { accountId: claims.accountId } : {}), ...(claims.companyIds ? { companyIds: claims.companyIds } : {}), ...(claims.scope ? { scope: claims.scope } : {}), ...(claims.crmOwnerId ? { crmOwnerId: claims.crmOwnerId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '8h');
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(secretKey(secret));
}

/** Embedded defaults, for the sandboxed demo only; production refuses to start with them. */
export const DEV_CALLER_SECRET = 'dev-only-caller-secret-change-me-0123456789abcdef';
export const DEV_INTERNAL_SECRET = 'dev-only-gateway-subgraph-secret-0123456789abcdef';
export const DEV_ISSUER = 'odoo-crm-supergraph/dev';
export const DEV_AUDIENCE = 'odoo-crm-supergraph';

/** The settings that decide whether a process may use the embedded secrets; every process holding a secret reads them. */
export const devSecretSettings = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The embedded secrets are public (they are in this repository): a process uses them only when told to, for the sandboxes. */
  ALLOW_DEV_SECRETS: z.enum(['0', '1']).default('0'),
};

export const DEV_SECRET_REFUSED =
  'is an embedded development secret, which is public: set a secret of your own (ALLOW_DEV_SECRETS=1 allows it for the sandboxes, never with NODE_ENV=production)';

/**
 * Fail closed: the embedded secrets need an explicit opt-in, and never in production.
 * Adds a configuration issue for each of `variables` that holds one when that is not allowed.
 */
export function refuseDevSecrets(
  config: { NODE_ENV: string; ALLOW_DEV_SECRETS: string } & Record<string, unknown>,
  variables: readonly string[],
  ctx: z.RefinementCtx,
): void {
  if (config.ALLOW_DEV_SECRETS === '1' && config.NODE_ENV !== 'production') return;
  for (const name of variables) {
    if (config[name] === DEV_CALLER_SECRET || config[name] === DEV_INTERNAL_SECRET) ctx.addIssue({ code: 'custom', path: [name], message: DEV_SECRET_REFUSED });
  }
}
