// `npm run bench:internals` (was `npm run bench` before the side-by-side bench took the name): figures side by side, never a verdict. Everything runs in this
// process on loopback (sandboxes with the seeded world, the three subgraphs, the gateway,
// all on port 0), with a bounded number of iterations; it exits 0 when the queries
// answered, whatever the timings.
//
//   1. order-status query: Odoo JSON-2 vs JSON-RPC
//   2. 50 orders with accounts, lines/products, shipments, invoices: master-data cache on vs off
//   3. the same 50 orders with backend latency injected: batched calls vs a per-record count
//   4. cost of authorisation: order status as finance vs as customer (row-scoped)
//
// Environment: BENCH_ITERATIONS (measured requests per variant, default 50),
// BENCH_WARMUP (default 5), BENCH_CONCURRENCY (default 4), BENCH_ODOO_LATENCY_MS (20),
// BENCH_HUBSPOT_LATENCY_MS (30).
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ms, num, postQuery, ratio, sampleInterleaved, summarize, table, throughput, warmUp, type Run, type Summary } from './measure.ts';

// Dynamic imports after the environment is set, so every logger created below is silent.
const { startStack } = await import('../scripts/stack.ts');
const { loadRateLimitConfig } = await import('../gateway/rate-limit.ts');
const { ROLES } = await import('../core/identity.ts');
// The limiter stays on (its cost is part of every request) with limits no bench run reaches.
const gateway = { rateLimits: loadRateLimitConfig({ GATEWAY_RATE_LIMITS: ROLES.map((r) => `${r}=9999999`).join(',') }) };
const { ORDER_STATUS_QUERY } = await import('../scripts/examples.ts');
const { odooConfigSchema } = await import('../connectors/odoo/config.ts');
const { hubspotConfigSchema } = await import('../connectors/crm/hubspot/config.ts');
const { hubspotPacing } = await import('../connectors/crm/hubspot/pacing.ts');
type Stack = Awaited<ReturnType<typeof startStack>>;

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name} must be an integer ≥ ${min} (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return n;
}

const ITERATIONS = intEnv('BENCH_ITERATIONS', 50);
const WARMUP = intEnv('BENCH_WARMUP', 5, 0);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 4);
const ODOO_LATENCY_MS = intEnv('BENCH_ODOO_LATENCY_MS', 20, 0);
const HUBSPOT_LATENCY_MS = intEnv('BENCH_HUBSPOT_LATENCY_MS', 30, 0);
/** Requests of each throughput run (at least two rounds of the workers). */
const THROUGHPUT_REQUESTS = Math.max(ITERATIONS, 2 * CONCURRENCY);
/** Queries averaged for the backend-call counts (deterministic, so a few suffice). */
const COUNT_RUNS = 3;

const FIFTY_ORDERS_QUERY = `{
  orders(first: 50) {
    edges { node {
      number
      account { name }
      lines { product { sku name } }
      shipments { number }
      invoices { number }
    } }
  }
}`;

// ------------------------------------------------------------ helpers

interface Calls {
  odoo: number;
  hubspot: number;
  odooBy: Map<string, number>;
  hubspotBy: Map<string, number>;
}

/** Backend calls per query, from the sandboxes' own request logs (averaged over `runs` queries). */
async function countCalls(stack: Stack, fn: Run, runs = COUNT_RUNS): Promise<Calls> {
  stack.odooSandbox.log.clear();
  stack.hubspotSandbox.log.clear();
  for (let i = 0; i < runs; i++) await fn();
  const odooBy = new Map<string, number>();
  const hubspotBy = new Map<string, number>();
  const odooEntries = stack.odooSandbox.log.entries();
  const hubspotEntries = stack.hubspotSandbox.log.entries();
  for (const e of odooEntries) odooBy.set(`${e.model}.${e.method}`, (odooBy.get(`${e.model}.${e.method}`) ?? 0) + 1);
  for (const e of hubspotEntries) {
    const key = `${e.operation}${e.objectType ? `:${e.objectType}` : ''}`;
    hubspotBy.set(key, (hubspotBy.get(key) ?? 0) + 1);
  }
  stack.odooSandbox.log.clear();
  stack.hubspotSandbox.log.clear();
  const perQuery = (n: number) => Math.round((n / runs) * 100) / 100;
  for (const m of [odooBy, hubspotBy]) for (const [k, v] of m) m.set(k, perQuery(v));
  return { odoo: perQuery(odooEntries.length), hubspot: perQuery(hubspotEntries.length), odooBy, hubspotBy };
}

/** Per-call-kind difference `b − a`, e.g. "res.partner.search_read +1 (Odoo)". */
function callDiff(a: Calls, b: Calls): string {
  const diff = (x: Map<string, number>, y: Map<string, number>, system: string) =>
    [...new Set([...x.keys(), ...y.keys()])]
      .map((k) => [k, (y.get(k) ?? 0) - (x.get(k) ?? 0)] as const)
      .filter(([, d]) => Math.abs(d) > 1e-9)
      .map(([k, d]) => `${k} ${d > 0 ? '+' : ''}${num(d, 2)} (${system})`);
  return [...diff(a.odooBy, b.odooBy, 'Odoo'), ...diff(a.hubspotBy, b.hubspotBy, 'HubSpot')].join(', ') || 'none';
}

function breakdown(c: Calls): string {
  const part = (m: Map<string, number>) => [...m].map(([k, v]) => (v === 1 ? k : `${k}×${num(v, 2)}`)).join(', ') || '—';
  return `Odoo: ${part(c.odooBy)} | HubSpot: ${part(c.hubspotBy)}`;
}

interface Variant {
  label: string;
  stack: Stack;
  run: Run;
}

interface Measured {
  label: string;
  latency: Summary;
  rps: number;
  calls: Calls;
}

/**
 * Warm every variant, count its backend calls, sample latencies interleaved across the
 * variants, then a throughput run per variant at fixed concurrency.
 */
async function measure(variants: Variant[]): Promise<Measured[]> {
  for (const v of variants) await warmUp(v.run, WARMUP);
  const calls: Calls[] = [];
  for (const v of variants) calls.push(await countCalls(v.stack, v.run));
  const samples = await sampleInterleaved(
    variants.map((v) => v.run),
    ITERATIONS,
  );
  const out: Measured[] = [];
  for (const [i, v] of variants.entries()) {
    const rps = await throughput(v.run, THROUGHPUT_REQUESTS, CONCURRENCY);
    out.push({ label: v.label, latency: summarize(samples[i]!), rps, calls: calls[i]! });
    v.stack.odooSandbox.log.clear();
    v.stack.hubspotSandbox.log.clear();
  }
  return out;
}

function comparisonTable(rows: Measured[], base: Measured, baseName: string): string {
  return table(
    ['variant', 'median ms', 'p95 ms', 'req/s @' + CONCURRENCY, 'Odoo calls/q', 'HubSpot calls/q', `median ÷ ${baseName}`, `req/s ÷ ${baseName}`],
    rows.map((r) => [
      r.label,
      ms(r.latency.median),
      ms(r.latency.p95),
      num(r.rps, 1),
      num(r.calls.odoo, 2),
      num(r.calls.hubspot, 2),
      ratio(r.latency.median, base.latency.median),
      ratio(r.rps, base.rps),
    ]),
  );
}

function heading(title: string): void {
  console.log(`\n${title}\n${'='.repeat(title.length)}`);
}

// ------------------------------------------------------------ main

const startedAt = performance.now();
const cpus = os.cpus();
console.log('odoo-crm-supergraph benchmark (loopback, in-process sandboxes; figures to compare, not thresholds)');
console.log(`machine: node ${process.version}, ${os.platform()}/${os.arch()}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`);
console.log(
  `runs:    warm-up ${WARMUP} per variant, ${ITERATIONS} sequential samples per variant (interleaved across variants), ` +
    `${THROUGHPUT_REQUESTS} requests per throughput run at concurrency ${CONCURRENCY}, backend calls averaged over ${COUNT_RUNS} queries`,
);
console.log('latency: median and p95 (nearest rank) of sequential requests, client-side, gateway → subgraphs → sandboxes');

const stacks: Stack[] = [];
let exitCode = 0;
try {
  const tStacks = performance.now();
  // Each stack seeds its own (deterministic, identical) world: the sandboxes own their data.
  const json2 = await startStack({ odooProtocol: 'json2', cacheTtlMs: 0, gateway });
  stacks.push(json2);
  const jsonrpc = await startStack({ odooProtocol: 'jsonrpc', cacheTtlMs: 0, gateway });
  stacks.push(jsonrpc);
  const cached = await startStack({ odooProtocol: 'json2', cacheTtlMs: 300_000, gateway });
  stacks.push(cached);
  console.log(`stacks:  3 started in ${ms(performance.now() - tStacks)} ms (json2 cache off, jsonrpc cache off, json2 cache 300 s)`);

  const demo = json2.world.demo;
  const finance = await json2.token({ sub: 'bench-finance', roles: ['finance'] });
  const customer = await json2.token({ sub: 'bench-customer', roles: ['customer'], accountId: demo.accountId });
  const orderStatus = (s: Stack, token: string): Run => () => postQuery(s.urls.gateway, token, ORDER_STATUS_QUERY, { number: demo.orderNumber });
  const fiftyOrders = (s: Stack): Run => () => postQuery(s.urls.gateway, finance, FIFTY_ORDERS_QUERY);

  // Every stack discovers its Odoo companies on its first query; do it before anything is counted.
  for (const s of stacks) await postQuery(s.urls.gateway, finance, '{ products(first: 1) { edges { node { sku } } } }');

  // ---------------------------------------------------------- 1. protocol
  heading(`1. Sales-portal order status (${demo.orderNumber}, as finance): Odoo JSON-2 vs JSON-RPC, cache off`);
  {
    const [a, b] = await measure([
      { label: 'Odoo JSON-2 (19+)', stack: json2, run: orderStatus(json2, finance) },
      { label: 'Odoo JSON-RPC (14–18)', stack: jsonrpc, run: orderStatus(jsonrpc, finance) },
    ]);
    console.log(comparisonTable([a!, b!], a!, 'JSON-2'));
    console.log(`  calls JSON-2:  ${breakdown(a!.calls)}`);
    console.log(`  calls JSON-RPC: ${breakdown(b!.calls)}`);
    console.log('  read: same query, same backend calls; the ratio is the transport cost (envelope, auth, parsing) only. ~1.00× means the protocol does not matter here.');
  }

  // ---------------------------------------------------------- 2. cache
  heading('2. 50 orders with account, lines/products, shipments, invoices (as finance): master-data cache on vs off');
  let fiftyOrdersData: any;
  {
    fiftyOrdersData = (await postQuery(json2.urls.gateway, finance, FIFTY_ORDERS_QUERY)).data;
    const [off, on] = await measure([
      { label: 'cache off (CACHE_TTL_MS=0)', stack: json2, run: fiftyOrders(json2) },
      { label: 'cache on (300 s, warm)', stack: cached, run: fiftyOrders(cached) },
    ]);
    console.log(comparisonTable([off!, on!], off!, 'off'));
    console.log(`  calls off: ${breakdown(off!.calls)}`);
    console.log(`  cache on vs off: ${callDiff(off!.calls, on!.calls)}`);
    console.log('  read: the calls the cache saves are master data (products, the partner → CRM cross-reference); live rows (orders, lines, pickings, invoices) and HubSpot company names are read every time. On loopback a call costs about a millisecond, so the latency ratio here understates the saving; section 3 adds network-like latency.');
  }

  // ---------------------------------------------------------- 3. batching under latency
  heading(`3. Same 50 orders with backend latency injected (${ODOO_LATENCY_MS} ms per Odoo call, ${HUBSPOT_LATENCY_MS} ms per HubSpot call): what batching buys`);
  {
    const orders: Array<{ lines: Array<{ product: { sku: string } | null }> }> = fiftyOrdersData.orders.edges.map((e: { node: unknown }) => e.node);
    const O = orders.length;
    const lines = orders.reduce((n, o) => n + o.lines.length, 0);
    const distinctProductsPerOrder = orders.reduce((n, o) => n + new Set(o.lines.map((l) => l.product?.sku).filter(Boolean)).size, 0);
    const naiveOdoo = 1 + 4 * O + distinctProductsPerOrder;
    const naiveHubspot = O;
    const naiveSerialMs = naiveOdoo * ODOO_LATENCY_MS + naiveHubspot * HUBSPOT_LATENCY_MS;
    // A kinder unbatched estimate: each level's per-record calls run in parallel, limited by the
    // connectors' concurrency caps (the defaults the stack runs with).
    const odooCap = odooConfigSchema.parse({ ODOO_URL: 'http://127.0.0.1', ODOO_API_KEY: 'x' }).maxConcurrency;
    const hubspotCap = hubspotConfigSchema.parse({ HUBSPOT_ACCESS_TOKEN: 'x' }).maxConcurrency;
    const naiveParallelMs =
      ODOO_LATENCY_MS + // the order search
      Math.ceil((4 * O) / odooCap) * ODOO_LATENCY_MS + // per order: partner ref, lines, shipments, invoices
      Math.max(Math.ceil(distinctProductsPerOrder / odooCap) * ODOO_LATENCY_MS, Math.ceil(naiveHubspot / hubspotCap) * HUBSPOT_LATENCY_MS); // products ∥ companies

    const faultIds: Array<() => void> = [];
    for (const s of [json2, cached]) {
      const odooId = s.odooSandbox.faults.latency(ODOO_LATENCY_MS);
      const hub = s.hubspotSandbox.faults.add({ kind: 'latency', ms: HUBSPOT_LATENCY_MS });
      faultIds.push(() => {
        s.odooSandbox.faults.remove(odooId);
        s.hubspotSandbox.faults.remove(hub.id);
      });
    }
    let off: Measured, on: Measured;
    try {
      [off, on] = (await measure([
        { label: 'batched, cache off', stack: json2, run: fiftyOrders(json2) },
        { label: 'batched, cache on (warm)', stack: cached, run: fiftyOrders(cached) },
      ])) as [Measured, Measured];
    } finally {
      for (const undo of faultIds) undo();
    }
    const injected = (m: Measured) => m.calls.odoo * ODOO_LATENCY_MS + m.calls.hubspot * HUBSPOT_LATENCY_MS;
    console.log(
      table(
        ['variant', 'Odoo calls/q', 'HubSpot calls/q', 'calls × latency ms', 'median ms', 'p95 ms', `req/s @${CONCURRENCY}`, 'calls: unbatched ÷ this', 'serial est. ÷ median', '∥ est. ÷ median'],
        [
          ...[off, on].map((m) => [
            m.label,
            num(m.calls.odoo, 2),
            num(m.calls.hubspot, 2),
            ms(injected(m)),
            ms(m.latency.median),
            ms(m.latency.p95),
            num(m.rps, 1),
            ratio(naiveOdoo + naiveHubspot, m.calls.odoo + m.calls.hubspot),
            ratio(naiveSerialMs, m.latency.median),
            ratio(naiveParallelMs, m.latency.median),
          ]),
          ['unbatched, computed (serial)', String(naiveOdoo), String(naiveHubspot), ms(naiveSerialMs), '—', '—', '—', '1.00×', '—', '—'],
          [`unbatched, computed (∥ caps ${odooCap}/${hubspotCap})`, String(naiveOdoo), String(naiveHubspot), `≥ ${ms(naiveParallelMs)}`, '—', '—', '—', '1.00×', '—', '—'],
        ],
      ),
    );
    console.log(`  calls batched, cache off: ${breakdown(off.calls)}`);
    console.log(`  calls batched, cache on:  ${breakdown(on.calls)}`);
    console.log(`  data: ${O} orders, ${lines} lines, Σ distinct products per order = ${distinctProductsPerOrder}`);
    console.log(`  unbatched Odoo calls   = 1 (order search) + 4 × orders (each order's partner cross-reference, lines, shipments, invoices) + Σ distinct products per order = 1 + 4×${O} + ${distinctProductsPerOrder} = ${naiveOdoo}`);
    console.log(`  unbatched HubSpot calls = orders (each order's company) = ${naiveHubspot}`);
    console.log(`  unbatched serial ms    = ${naiveOdoo} × ${ODOO_LATENCY_MS} + ${naiveHubspot} × ${HUBSPOT_LATENCY_MS} = ${naiveSerialMs}; the "∥ caps" row runs each level's per-record calls ${odooCap} (Odoo) / ${hubspotCap} (HubSpot) at a time instead: ${naiveParallelMs} ms`);
    console.log('  read: "calls × latency" is what the injected latency adds if every call ran one after another; the measured median can be lower because calls of one level overlap. The unbatched rows are computed per-record (N+1) resolvers, not a measured build: the ratios say how much batching saves against that estimate (serial = upper, ∥ caps = lower estimate of its latency).');
  }

  // ---------------------------------------------------------- 4. auth
  heading(`4. Cost of authorisation: order status (${demo.orderNumber}) as finance vs as customer (row-scoped), JSON-2, cache off`);
  {
    const [fin, cust] = await measure([
      { label: 'finance (unrestricted rows)', stack: json2, run: orderStatus(json2, finance) },
      { label: 'customer (own account only)', stack: json2, run: orderStatus(json2, customer) },
    ]);
    console.log(comparisonTable([fin!, cust!], fin!, 'finance'));
    console.log(`  calls finance: ${breakdown(fin!.calls)}`);
    console.log(`  customer vs finance: ${callDiff(fin!.calls, cust!.calls)}`);
    console.log("  read: the customer's row scope costs the calls above (its partner ids, looked up once per request; its order names, to scope manufacturing orders) plus a wider domain on every search; the median ratio is that cost on loopback, where a call is about a millisecond.");
  }
} catch (e) {
  console.error(`\nbenchmark aborted: ${(e as Error).stack ?? e}`);
  exitCode = 1;
} finally {
  await Promise.allSettled(stacks.map((s) => s.close()));
}

// The sandboxes enforce a real portal's rate limits; the connector paces itself under them.
{
  const p = hubspotPacing.stats();
  const seen = Object.values(p.rateLimited).reduce((a, b) => a + b, 0);
  heading('HubSpot rate limits over the whole run (every stack, default sandbox limits)');
  const ops = Object.entries(p.rateLimitedByOperation).sort(([a], [b]) => a.localeCompare(b));
  console.log(`  429s seen: ${seen}${ops.length ? ` (${ops.map(([op, n]) => `${op} ${n}`).join(', ')})` : ''}; by policy: ${Object.entries(p.rateLimited).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  console.log(`  429s left to the caller after retries: ${p.unhandled429}; calls paced: ${p.paced} (waited ${ms(p.pacedMs)} ms in all); refused before sending (no slot before the deadline): ${p.refusedAtDeadline}`);
}
console.log(`\ntotal: ${(((performance.now() - startedAt) / 1000)).toFixed(1)} s`);
process.exit(exitCode);
