// Development tokens for the embedded identity (HS256 with the embedded secret).
// Against a real identity provider, get tokens from it instead.
import { decodeJwt } from 'jose';
import { checkTokenLifetime, DEFAULT_TOKEN_LIMITS, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_ISSUER, signCallerToken, type Role } from '../core/identity.ts';

export interface DevTokenRequest {
  role: Role;
  sub?: string;
  accountId?: string;
  companyIds?: number[];
  scope?: string;
  crmOwnerId?: string;
  expiresIn?: string;
}

/** Mints a token the gateway accepts: one longer-lived than AUTH_MAX_TOKEN_LIFETIME_S is refused here, not at the first request. */
export async function devToken(req: DevTokenRequest, secret = process.env.AUTH_JWT_SECRET ?? DEV_CALLER_SECRET): Promise<string> {
  const token = await signCallerToken(
    { sub: req.sub ?? `dev-${req.role}`, roles: [req.role], accountId: req.accountId, companyIds: req.companyIds, scope: req.scope, crmOwnerId: req.crmOwnerId },
    secret,
    { issuer: process.env.AUTH_ISSUER ?? DEV_ISSUER, audience: process.env.AUTH_AUDIENCE ?? DEV_AUDIENCE, expiresIn: req.expiresIn },
  );
  const maxLifetimeSeconds = Number(process.env.AUTH_MAX_TOKEN_LIFETIME_S ?? DEFAULT_TOKEN_LIMITS.maxLifetimeSeconds);
  checkTokenLifetime(decodeJwt(token), { maxLifetimeSeconds, clockSkewSeconds: 0 });
  return token;
}
