// Settings of a subgraph process (where it listens, cache TTL), validated at
// start-up like every other configuration.
import { z } from 'zod';
import { parseEnv } from '../../core/env.ts';
import { DEFAULT_BACKEND_CALL_BUDGET } from '../../core/call-budget.ts';
import { redisSettings } from '../../core/redis.ts';
import { DEV_INTERNAL_SECRET, devSecretSettings, refuseDevSecrets } from '../../core/identity.ts';

const port = z.coerce.number().int().min(0).max(65535);

export const subgraphServiceSchema = z.object({
  SUBGRAPH_HOST: z.string().min(1).default('127.0.0.1'),
  ODOO_SUBGRAPH_PORT: port.default(4001),
  CRM_SUBGRAPH_PORT: port.default(4002),
  WRITES_SUBGRAPH_PORT: port.default(4003),
  /** TTL of cached master data (products, pricelists, owners, cross-reference); 0 disables the cache. */
  CACHE_TTL_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /** REDIS_URL set: the caches live in Redis, shared by every replica (core/redis.ts). */
  ...redisSettings,
  /** Backend calls one subgraph request may make before its remaining fields fail with BACKEND_BUDGET_EXHAUSTED. */
  SUBGRAPH_BACKEND_CALL_BUDGET: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_BACKEND_CALL_BUDGET),
  /** Key shared with the gateway; a request without the gateway's credential signed with it is refused. */
  INTERNAL_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_INTERNAL_SECRET),
  ...devSecretSettings,
  /** Odoo companies to read in, first is the current one; default: all companies of the API user. */
  ODOO_COMPANY_IDS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'a comma-separated list of company ids, e.g. 1,2')
    .transform((s) => s.split(',').map(Number))
    .optional(),
});

const checkedSchema = subgraphServiceSchema.superRefine((c, ctx) => refuseDevSecrets(c, ['INTERNAL_TOKEN_SECRET'], ctx));

export type SubgraphServiceConfig = z.infer<typeof subgraphServiceSchema>;

export function loadSubgraphServiceConfig(env: Record<string, string | undefined> = process.env): SubgraphServiceConfig {
  return parseEnv(checkedSchema, env, { label: 'subgraph' });
}
