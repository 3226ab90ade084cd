// Development tokens for the embedded identity (HS256 with the embedded secret).
// Against a real identity provider, get tokens from it instead.
import { DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_ISSUER, signCallerToken, type Role } from '../core/identity.ts';

export interface DevTokenRequest {
  role: Role;
  sub?: string;
  accountId?: string;
  companyIds?: number[];
  scope?: string;
  crmOwnerId?: string;
  expiresIn?: string;
}

export function devToken(req: DevTokenRequest, secret = process.env.AUTH_JWT_SECRET ?? DEV_CALLER_SECRET): Promise<string> {
  return signCallerToken(
    { sub: req.sub ?? `dev-${req.role}`, roles: [req.role], accountId: req.accountId, companyIds: req.companyIds, scope: req.scope, crmOwnerId: req.crmOwnerId },
    secret,
    { issuer: process.env.AUTH_ISSUER ?? DEV_ISSUER, audience: process.env.AUTH_AUDIENCE ?? DEV_AUDIENCE, expiresIn: req.expiresIn },
  );
}
