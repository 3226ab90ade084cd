// Every Prometheus metric of the project, defined once (R9). Each process has one
// registry; every component serves it on /metrics (core/http.ts), so in production
// (one component per process) a scrape sees that component, and in `npm start`
// (one process) it sees all of them, told apart by the `component` label.
//
// Label sets are bounded: systems, operation and model names come from code, error
// codes from policy/errors.ts, teams from policy/teams.ts. Nothing a caller sends
// becomes a label except a GraphQL operation name, and those are capped (see
// operationLabel). No ids, no values.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** Seconds; from a fast cached read to a request at the gateway's 14 s budget. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

// ------------------------------------------------------------------ GraphQL

export const graphqlOperations = new Counter({
  name: 'graphql_operations_total',
  help: 'GraphQL requests by component, operation name and outcome (ok, partial, error, refused)',
  labelNames: ['component', 'operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const graphqlDuration = new Histogram({
  name: 'graphql_operation_duration_seconds',
  help: 'Time from request received to response sent, by component, operation name and outcome',
  labelNames: ['component', 'operation', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

/** Operation names are chosen by callers: beyond this many distinct ones, new names count as "other". */
export const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const seenOperations = new Set<string>();

/** The label for a caller's operation name: anonymous, a known name, or "other" (never unbounded). */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  // Apollo Gateway names a subgraph fetch `<operation>__<subgraph>__<n>`: counted under the caller's operation.
  name = name.replace(/__[A-Za-z0-9_]+?__\d+$/, '');
  if (!OPERATION_NAME.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperations.add(name);
  return name;
}

export type GraphQLOutcome = 'ok' | 'partial' | 'error' | 'refused';

export function recordGraphQLRequest(component: string, operationName: string | null | undefined, outcome: GraphQLOutcome, durationMs: number): void {
  const labels = { component, operation: operationLabel(operationName), outcome };
  graphqlOperations.inc(labels);
  graphqlDuration.observe(labels, durationMs / 1000);
}

// ------------------------------------------------------------------ backend calls

export const backendCalls = new Counter({
  name: 'backend_calls_total',
  help: 'Logical backend calls (after retries) by system, operation, model and outcome (ok, error)',
  labelNames: ['system', 'operation', 'model', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const backendDuration = new Histogram({
  name: 'backend_call_duration_seconds',
  help: 'Duration of logical backend calls, retries and waits included',
  labelNames: ['system', 'operation', 'model'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const backendErrors = new Counter({
  name: 'backend_errors_total',
  help: 'Failed logical backend calls by system, operation and registered error code',
  labelNames: ['system', 'operation', 'code'] as const,
  registers: [metricsRegistry],
});

export const backendRetries = new Counter({
  name: 'backend_retries_total',
  help: 'Backend attempts that were retried, by system, operation and reason (HTTP status, timeout, network)',
  labelNames: ['system', 'operation', 'reason'] as const,
  registers: [metricsRegistry],
});

export const backendRateLimited = new Counter({
  name: 'backend_rate_limited_total',
  help: 'Backend attempts answered 429 Too Many Requests, by system and operation',
  labelNames: ['system', 'operation'] as const,
  registers: [metricsRegistry],
});

export const backendRateLimitRemaining = new Gauge({
  name: 'backend_rate_limit_remaining',
  help: 'Requests left in the current window as the backend last reported it (HubSpot: X-HubSpot-RateLimit-Remaining)',
  labelNames: ['system'] as const,
  registers: [metricsRegistry],
});

/**
 * Slots in use, counted in a plain map and read into the gauge at scrape time: a
 * gauge's inc/dec validate and hash their labels on every call, twice per backend
 * attempt — half of prom-client's share of a subgraph's CPU (issue 13).
 */
const slotsInUse = new Map<string, number>();

export const backendConcurrency = new Gauge({
  name: 'backend_concurrency_in_use',
  help: 'Bulkhead slots held by attempts in flight, by system',
  labelNames: ['system'] as const,
  registers: [metricsRegistry],
  collect() {
    for (const [system, n] of slotsInUse) this.set({ system }, n);
  },
});

/** An attempt of `system` took (+1) or gave back (-1) a bulkhead slot. */
export function backendSlot(system: string, delta: 1 | -1): void {
  slotsInUse.set(system, (slotsInUse.get(system) ?? 0) + delta);
}

export const backendCircuitOpen = new Gauge({
  name: 'backend_circuit_open',
  help: '1 while a circuit breaker of the system is open or half-open, else 0',
  labelNames: ['system'] as const,
  registers: [metricsRegistry],
});

/** From a rate-limit header value; anything that is not a count is ignored. */
export function recordRateLimitRemaining(system: string, header: string | null | undefined): void {
  if (header == null || !/^\d{1,9}$/.test(header.trim())) return;
  backendRateLimitRemaining.set({ system }, Number(header.trim()));
}

// ------------------------------------------------------------------ cache, idempotency, exceptions

export const cacheLookups = new Counter({
  name: 'cache_lookups_total',
  help: 'Master-data cache lookups by cache namespace and result (hit, miss)',
  labelNames: ['cache', 'result'] as const,
  registers: [metricsRegistry],
});

export const idempotencyOutcomes = new Counter({
  name: 'idempotency_outcomes_total',
  help: 'Idempotency keys seen by outcome (replay: the stored answer was returned; conflict: the key was reused with another request)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** Sources of a gauge read at scrape time; a source that fails is skipped, the scrape still answers. */
type OpenExceptionsSource = () => Promise<Array<{ team: string; type: string; count: number }>>;
const exceptionSources = new Set<OpenExceptionsSource>();

export const exceptionsOpen = new Gauge({
  name: 'integration_exceptions_open',
  help: 'Open integration exceptions by owning team and type (error code)',
  labelNames: ['team', 'type'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const source of exceptionSources) {
      try {
        for (const row of await source()) this.inc({ team: row.team, type: row.type }, row.count);
      } catch {
        // A closed or vanished store: the readiness check reports it, the scrape goes on.
      }
    }
  },
});

/** Registers where open exceptions are counted (the store the writes subgraph uses); returns the unregister function. */
export function countOpenExceptionsFrom(source: OpenExceptionsSource): () => void {
  exceptionSources.add(source);
  return () => exceptionSources.delete(source);
}

// ------------------------------------------------------------------ sync engine (the worker)

export const syncQueueDepth = new Gauge({ name: 'sync_queue_depth', help: 'Jobs waiting, by flow', labelNames: ['flow'] as const, registers: [metricsRegistry] });
export const syncOldestJobAge = new Gauge({ name: 'sync_oldest_job_age_seconds', help: 'Age of the oldest waiting job, by flow', labelNames: ['flow'] as const, registers: [metricsRegistry] });
export const syncDeadLetters = new Gauge({ name: 'sync_dead_letters', help: 'Jobs given up on (dead letters), by flow', labelNames: ['flow'] as const, registers: [metricsRegistry] });
export const syncDuplicatesDropped = new Counter({ name: 'sync_duplicates_dropped_total', help: 'Events dropped as duplicates, by flow', labelNames: ['flow'] as const, registers: [metricsRegistry] });
export const syncLag = new Gauge({ name: 'sync_lag_seconds', help: 'Time between a change in its source system and its copy in the other, last completed job, by flow', labelNames: ['flow'] as const, registers: [metricsRegistry] });

/** What the worker knows about one flow's queue (flows are named in code: e.g. "crm_company_to_odoo_partner"). */
export interface SyncQueueStats {
  flow: string;
  depth: number;
  oldestJobAgeMs: number | null;
  deadLetters: number;
  /** Duplicates dropped since the previous report (a delta). */
  duplicatesDropped?: number;
  lagMs?: number | null;
}

/** The worker calls this with its queue statistics (e.g. after each poll). */
export function recordSyncStats(stats: readonly SyncQueueStats[]): void {
  for (const s of stats) {
    syncQueueDepth.set({ flow: s.flow }, s.depth);
    syncOldestJobAge.set({ flow: s.flow }, s.oldestJobAgeMs == null ? 0 : s.oldestJobAgeMs / 1000);
    syncDeadLetters.set({ flow: s.flow }, s.deadLetters);
    if (s.duplicatesDropped) syncDuplicatesDropped.inc({ flow: s.flow }, s.duplicatesDropped);
    if (s.lagMs != null) syncLag.set({ flow: s.flow }, s.lagMs / 1000);
  }
}

// ------------------------------------------------------------------ reconciliation (set by each reconciliation query)

export const reconciliationCrossReferenced = new Gauge({ name: 'reconciliation_cross_referenced', help: 'Records cross-referenced in both systems at the last reconciliation, by object type', labelNames: ['object'] as const, registers: [metricsRegistry] });
export const reconciliationDifferences = new Gauge({ name: 'reconciliation_differences', help: 'Cross-referenced records whose copies differ from their owner, by object type', labelNames: ['object'] as const, registers: [metricsRegistry] });
export const reconciliationOneSided = new Gauge({ name: 'reconciliation_one_sided', help: 'Records naming a counterpart that is missing or does not name them back, by object type', labelNames: ['object'] as const, registers: [metricsRegistry] });
export const reconciliationOldestDifference = new Gauge({ name: 'reconciliation_oldest_difference_age_seconds', help: 'Age of the oldest difference at the last reconciliation (0 when none), by object type', labelNames: ['object'] as const, registers: [metricsRegistry] });

export function recordReconciliation(object: string, r: { crossReferenced: number; differing: number; oneSided: number; oldestDifferenceAgeMs: number | null }): void {
  reconciliationCrossReferenced.set({ object }, r.crossReferenced);
  reconciliationDifferences.set({ object }, r.differing);
  reconciliationOneSided.set({ object }, r.oneSided);
  reconciliationOldestDifference.set({ object }, r.oldestDifferenceAgeMs == null ? 0 : r.oldestDifferenceAgeMs / 1000);
}

// ------------------------------------------------------------------ exposition

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
