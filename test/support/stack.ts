// Test harness: the whole system in-process on port 0, and a client that talks
// to the gateway over HTTP like any consumer.
import { startStack, type Stack, type StackOptions } from '../../scripts/stack.ts';
import type { Role } from '../../core/identity.ts';
import { DEFAULT_NOW } from '../../sandboxes/seed/index.ts';
import { loadRateLimitConfig } from '../../gateway/rate-limit.ts';
import { ROLES } from '../../core/identity.ts';
import { openTestState } from './test-store.ts';

/** Rate limits on, counting, but far above what any test file sends (a test of the limit sets its own). */
const TEST_RATE_LIMITS = loadRateLimitConfig({ GATEWAY_RATE_LIMITS: ROLES.map((r) => `${r}=1000000`).join(',') });

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
  headers: Headers;
}

export async function postGraphQL<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body: any = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, data: body.data, errors: body.errors, extensions: body.extensions, headers: res.headers };
}

/** Who a test request runs as; `roles` overrides `role` for multi-role tokens. */
export interface Caller {
  role: Role;
  roles?: Role[];
  sub?: string;
  accountId?: string;
  companyIds?: number[];
  scope?: string;
  crmOwnerId?: string;
}

export interface TestStack extends Stack {
  /** Runs a query through the gateway as the given role (default finance: reads everything). */
  query<T = any>(query: string, variables?: Record<string, unknown>, as?: Caller | null): Promise<GraphQLResponse<T>>;
  /** Clears both sandboxes' request logs and the read subgraphs' master-data caches (the writes subgraph caches nothing). */
  resetCounters(): Promise<void>;
}

export interface TestStackOptions extends StackOptions {
  /** 'sqlite' for a test about the SQLite file itself, whatever TEST_STORE says. */
  storeEngine?: 'sqlite';
}

export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const { storeEngine, ...stackOpts } = opts;
  // Business rules run on the demo world's "today", so its dates (validity, lead times) hold whenever the tests run.
  // The store follows TEST_STORE (SQLite, or a fresh Postgres schema plus Redis), decided in test-store.ts.
  const stack = await startStack({
    cacheTtlMs: 0, now: () => new Date(DEFAULT_NOW), state: (path) => openTestState(path, storeEngine), ...stackOpts, gateway: { rateLimits: TEST_RATE_LIMITS, ...opts.gateway },
  });
  return Object.assign(stack, {
    async query(query: string, variables: Record<string, unknown> = {}, as: Caller | null = { role: 'finance' }) {
      const headers: Record<string, string> = {};
      if (as) {
        const roles = as.roles ?? [as.role];
        headers.authorization = `Bearer ${await stack.token({ sub: as.sub ?? `test-${roles.join('+')}`, roles, accountId: as.accountId, companyIds: as.companyIds, scope: as.scope, crmOwnerId: as.crmOwnerId })}`;
      }
      return postGraphQL(stack.urls.gateway, query, variables, headers);
    },
    async resetCounters() {
      stack.odooSandbox.log.clear();
      stack.hubspotSandbox.log.clear();
      await Promise.all([stack.odooSubgraph.cache.clear(), stack.crmSubgraph.cache.clear()]);
    },
  }) as TestStack;
}
