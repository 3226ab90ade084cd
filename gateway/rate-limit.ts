// Per-caller rate limits at the gateway (R7 "rate limiting"): each token subject
// gets a number of requests per fixed window, its roles deciding how many (the
// most generous of its roles). Over the limit: 429 RATE_LIMITED with Retry-After,
// before the body is read and before any subgraph is called. Counters live in
// the embedded store (store/rate-limits.ts) unless another counter is given.
import { z } from 'zod';
import { parseEnv } from '../core/env.ts';
import { ROLES, type Identity, type Role } from '../core/identity.ts';
import { appError } from '../policy/errors.ts';
import type { RateLimitCounter } from '../store/rate-limits.ts';

/** Requests per window per caller, by role: portals and CRM cards are interactive, BI pages through everything. */
export const DEFAULT_ROLE_RATE_LIMITS: Readonly<Record<Role, number>> = {
  customer: 300,
  sales_rep: 1200,
  sales_ops: 1200,
  finance: 1200,
  bi_reader: 3000,
  integration_admin: 1200,
};

const roleLimits = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const out: Partial<Record<Role, number>> = {};
    for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [role, n] = pair.split('=').map((p) => p.trim());
      if (!(ROLES as readonly string[]).includes(role ?? '') || !/^\d{1,7}$/.test(n ?? '')) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not <role>=<requests> with a role of ${ROLES.join(', ')}` });
        return z.NEVER;
      }
      out[role as Role] = Number(n);
    }
    return out;
  });

export const rateLimitConfigSchema = z
  .object({
    /** 0 turns rate limiting off (e.g. behind a proxy that limits already). */
    GATEWAY_RATE_LIMIT_ENABLED: z.enum(['0', '1']).default('1'),
    /** Length of the counting window. */
    GATEWAY_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).max(3600).default(60),
    /** Per-role overrides of DEFAULT_ROLE_RATE_LIMITS, e.g. `bi_reader=6000,customer=120`. */
    GATEWAY_RATE_LIMITS: roleLimits.default({}),
  })
  .transform((env) => ({
    enabled: env.GATEWAY_RATE_LIMIT_ENABLED === '1',
    windowMs: env.GATEWAY_RATE_LIMIT_WINDOW_S * 1000,
    perRole: { ...DEFAULT_ROLE_RATE_LIMITS, ...env.GATEWAY_RATE_LIMITS } as Record<Role, number>,
  }));

export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;

export function loadRateLimitConfig(env: Record<string, string | undefined> = process.env): RateLimitConfig {
  return parseEnv(rateLimitConfigSchema, env, { label: 'gateway' });
}

/** The limit of a caller: the most generous of its roles. */
export function limitFor(identity: Identity, config: RateLimitConfig): number {
  return Math.max(0, ...identity.roles.map((r) => config.perRole[r] ?? 0));
}

/** Counts the request of a verified caller; over its limit, throws RATE_LIMITED (429) with the wait. */
export function createRateLimiter(config: RateLimitConfig, counter: RateLimitCounter, now: () => number = Date.now) {
  return async (identity: Identity): Promise<void> => {
    if (!config.enabled) return;
    const at = now();
    const { count, resetAtMs } = await counter.hit(`sub:${identity.sub}`, config.windowMs, at);
    const limit = limitFor(identity, config);
    if (count > limit) {
      throw appError('RATE_LIMITED', `Rate limit of ${limit} requests per ${config.windowMs / 1000} s exceeded`, {
        httpStatus: 429,
        retryAfterMs: Math.max(1000, resetAtMs - at),
      });
    }
  };
}
