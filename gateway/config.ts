// Gateway configuration from the environment, validated once at start-up: a bad
// value stops the process with a message naming the variable.
import { z } from 'zod';
import { parseEnv, type Env } from '../core/env.ts';
import { parseCorsOrigins } from '../core/http.ts';
import { createCallerVerifier, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET, DEV_ISSUER, DEFAULT_TOKEN_LIMITS, devSecretSettings, refuseDevSecrets } from '../core/identity.ts';

const port = z.coerce.number().int().min(0).max(65535);

export const gatewayConfigSchema = z.object({
  ...devSecretSettings,
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port.default(4000),
  /** A composed supergraph file (`npm run compose`); if absent, supergraph.yaml is composed at start-up. */
  SUPERGRAPH_FILE: z.string().min(1).optional(),
  GATEWAY_SUBGRAPH_ODOO_URL: z.url().optional(),
  GATEWAY_SUBGRAPH_CRM_URL: z.url().optional(),
  GATEWAY_SUBGRAPH_WRITES_URL: z.url().optional(),
  /**
   * Time the gateway waits for a subgraph answer: below hubspot.fetch's 15 s, so a CRM
   * card gets our answer (partial data, named errors) rather than its own timeout.
   */
  GATEWAY_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(14_000),
  /** hs256: tokens signed with AUTH_JWT_SECRET (embedded default); jwks: an identity provider's keys. */
  AUTH_MODE: z.enum(['hs256', 'jwks']).default('hs256'),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_CALLER_SECRET),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  /** Longest caller-token lifetime accepted (exp − iat); a token without exp is always refused. */
  AUTH_MAX_TOKEN_LIFETIME_S: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(DEFAULT_TOKEN_LIMITS.maxLifetimeSeconds),
  /** Clock difference tolerated between the issuer and the gateway (exp, nbf, iat). */
  AUTH_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(300).default(DEFAULT_TOKEN_LIMITS.clockSkewSeconds),
  /** Key the gateway signs subgraph credentials with; the subgraphs hold the same. */
  INTERNAL_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_INTERNAL_SECRET),
  /** Browser origins allowed to call the gateway (CORS), comma-separated, e.g. https://portal.example.com; none by default. */
  CORS_ORIGINS: z.string().optional().transform((v, ctx) => {
    try {
      return parseCorsOrigins(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message.replace(/^CORS_ORIGINS: /, '') : 'invalid' });
      return z.NEVER;
    }
  }),
}).superRefine((c, ctx) => {
  if (c.AUTH_MODE === 'jwks') {
    for (const name of ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
      if (!c[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when AUTH_MODE=jwks' });
    }
  }
  // With jwks the caller secret is not used at all.
  refuseDevSecrets(c, c.AUTH_MODE === 'hs256' ? ['AUTH_JWT_SECRET', 'INTERNAL_TOKEN_SECRET'] : ['INTERNAL_TOKEN_SECRET'], ctx);
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return parseEnv(gatewayConfigSchema, env, { label: 'gateway' });
}

/** The caller-token verifier the configuration describes; also what Hive Gateway runs in front of our subgraphs (docs/other-routers.md). */
export function callerVerifierOf(config: GatewayConfig): ReturnType<typeof createCallerVerifier> {
  const hs256 = config.AUTH_MODE === 'hs256';
  return createCallerVerifier({
    mode: config.AUTH_MODE, secret: config.AUTH_JWT_SECRET, jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER ?? (hs256 ? DEV_ISSUER : undefined), audience: config.AUTH_AUDIENCE ?? (hs256 ? DEV_AUDIENCE : undefined),
    maxLifetimeSeconds: config.AUTH_MAX_TOKEN_LIFETIME_S, clockSkewSeconds: config.AUTH_CLOCK_SKEW_S,
  });
}
