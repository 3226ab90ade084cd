// `npm run bench`: the side-by-side benchmark of issue 13. Every component runs in a
// process of its own on port 0 — the Odoo and HubSpot sandboxes, the odoo, crm and
// writes subgraphs (bench/component.ts), our gateway (bench/gateway-process.mjs,
// compiled or under tsx), Hive Gateway with its JS and its Rust planner
// (bench/peers/hive/serve.mjs) — and each reports its own CPU and RSS over IPC, so CPU
// per request is known for every process of every cell. The direct floor replays our
// query plan's subgraph requests without a gateway (bench/floor.ts). BENCH_BEFORE=<commit>
// adds `ours-before`: that commit's own gateway and subgraphs over the same sandboxes
// (bench/before.ts), so one run gives before and after.
//
// For each latency profile, operation and client count, in interleaved rounds (the
// target order rotates): req/s, p50/p95/p99, CPU ms per request per process, backend
// calls per request (counted by the sandboxes), peak RSS per gateway. Before anything
// is measured, every peer must answer every operation exactly as ours does.
// Writes docs/bench/results.md and one SVG chart per latency profile; never fails on
// wall time (exit 0 when the queries answered). `--soak` (or BENCH_SOAK_SECONDS) runs
// the soak instead: a steady mix at 10 clients, RSS sampled, slope per process.
// Settings: docs/bench/README.md.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
// The gateways are measured, not HubSpot's limits: the sandbox portal and the
// connector's own pacing (4 searches/s, as a real portal's) would otherwise bound
// every target alike and hide the differences.
process.env.HUBSPOT_SANDBOX_RATE_LIMITS ??= 'off';
process.env.HUBSPOT_PACING ??= 'off';

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { num, ratio, table } from './measure.ts';
import { renderChart } from './chart.ts';
import { BENCH_DIR, deployedNodeFlags, ensureBuild, ensureHive, Proc, ROOT, startHive, startOurs } from './procs.ts';
import { BEFORE_PREFIX, composeBefore, DEFAULT_BEFORE, ensureBefore, startBeforeGateway, startBeforeSubgraph, type Before } from './before.ts';
import { replay, startRecorder, toPlan, type Plan } from './floor.ts';
import { startCannedSubgraphs, type CannedSubgraphs } from './canned.ts';
import { benchOperations, quoteId, type Operation } from './operations.ts';

const { composeSupergraph, readSupergraphConfig } = await import('../gateway/composition.ts');
const { buildWorld } = await import('../sandboxes/seed/index.ts');
const { createCallerVerifier, signCallerToken, signInternalToken, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET, DEV_ISSUER } = await import('../core/identity.ts');

// ------------------------------------------------------------ settings
function env(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}
function numberEnv(name: string, fallback: number, min: number): number {
  const n = Number(env(name, String(fallback)));
  if (!Number.isFinite(n) || n < min) {
    console.error(`${name} must be a number ≥ ${min}`);
    process.exit(2);
  }
  return n;
}
const QUICK = env('BENCH_QUICK', '0') === '1';
/**
 * `canned`: the gateways alone. bench/canned.ts stands in front of the subgraphs and
 * answers every subgraph request it has seen from memory, so each gateway's CPU and
 * throughput are measured without the subgraphs and sandboxes on the same two cores.
 * No floor, no ours-before (its own subgraphs), no confirmQuote (every call is new
 * work), no latency profile; writes gateway-alone.md instead of results.md.
 */
const SUBGRAPH_MODE = env('BENCH_SUBGRAPHS', 'real');
if (SUBGRAPH_MODE !== 'real' && SUBGRAPH_MODE !== 'canned') { console.error('BENCH_SUBGRAPHS must be real or canned'); process.exit(2); }
const CANNED = SUBGRAPH_MODE === 'canned';
const SOAK = process.argv.includes('--soak') || process.env.BENCH_SOAK_SECONDS !== undefined;
const SECONDS = numberEnv('BENCH_SECONDS', 1, 0.2);
const CLIENTS = env('BENCH_CLIENTS', QUICK ? '1,10' : '1,10,50').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const ROUNDS = numberEnv('BENCH_ROUNDS', QUICK ? 1 : 2, 1);
/** Rounds of the profiles with injected latency: their cells are longer and steadier (the wait dominates). */
const LATENCY_ROUNDS = numberEnv('BENCH_LATENCY_ROUNDS', 1, 1);
const WARMUP = numberEnv('BENCH_WARMUP', QUICK ? 3 : 15, 0);
const PEERS = env('BENCH_PEERS', QUICK ? 'none' : 'hive-js,hive-rust').split(',').filter((p) => p && p !== 'none');
const FLOOR = !CANNED && env('BENCH_FLOOR', '1') !== '0';
const OPS = env('BENCH_OPS', 'all');
const ODOO_LATENCY = numberEnv('BENCH_ODOO_LATENCY_MS', 20, 0);
const HUBSPOT_LATENCY = numberEnv('BENCH_HUBSPOT_LATENCY_MS', 30, 0);
const LATENCIES = env('BENCH_LATENCY', QUICK || CANNED ? 'none' : `none,${ODOO_LATENCY}/${HUBSPOT_LATENCY}`).split(',').map((p) => {
  if (p === 'none') return { label: 'none', odoo: 0, hubspot: 0 };
  const m = /^(\d+)\/(\d+)$/.exec(p);
  if (!m) { console.error(`BENCH_LATENCY: "${p}" is neither none nor <odoo ms>/<hubspot ms>`); process.exit(2); }
  return { label: `${m[1]}/${m[2]} ms`, odoo: Number(m[1]), hubspot: Number(m[2]) };
});
const CODE = env('BENCH_GATEWAY_CODE', 'dist') as 'dist' | 'tsx';
if (CODE !== 'dist' && CODE !== 'tsx') { console.error('BENCH_GATEWAY_CODE must be dist or tsx'); process.exit(2); }
const SOAK_SECONDS = numberEnv('BENCH_SOAK_SECONDS', 300, 10);
const SOAK_TARGETS = env('BENCH_SOAK_TARGETS', 'ours,hive-rust').split(',');
const OUT = path.resolve(env('BENCH_OUT', path.join(ROOT, 'docs', 'bench')));
/**
 * NODE_ENV of every process the bench starts (sandboxes, subgraphs, our gateway, Hive): as
 * they run in production by default. Under `test` or `development` graphql-js checks every
 * type test across realms, a cost on every field of every answer, in every target alike.
 */
const CHILD_NODE_ENV = env('BENCH_NODE_ENV', 'production');
if (!['production', 'test', 'development'].includes(CHILD_NODE_ENV)) { console.error('BENCH_NODE_ENV must be production, test or development'); process.exit(2); }
// Every child inherits this process's environment; the bench itself reads NODE_ENV only for its log level (LOG_LEVEL is set above).
process.env.NODE_ENV = CHILD_NODE_ENV;
/** An earlier commit whose whole stack (gateway and subgraphs) runs beside ours as `ours-before` (bench/before.ts); off unless set, `1` is issue 13's baseline. */
const BEFORE_REF = CANNED ? '' : ((v) => (v === '0' || v === 'none' ? '' : v === '1' ? DEFAULT_BEFORE : v))(env('BENCH_BEFORE', ''));
const BEFORE = 'ours-before';
if (BEFORE_REF) {
  try { execFileSync('git', ['rev-parse', '--verify', '--quiet', `${BEFORE_REF}^{commit}`], { cwd: ROOT, stdio: 'ignore' }); } catch {
    console.error(`BENCH_BEFORE: "${BEFORE_REF}" names no commit of this clone (a shallow clone may lack it: git fetch --unshallow)`);
    process.exit(2);
  }
}

// ------------------------------------------------------------ processes
const dispatcher = new Agent({ connections: 128, keepAliveTimeout: 30_000, pipelining: 1 });
const procs: Proc[] = [];
const start = async (p: Promise<Proc>) => { const proc = await p; procs.push(proc); return proc; };
const component = (role: string, kind: 'subgraph' | 'sandbox', extra: NodeJS.ProcessEnv = {}) =>
  // A subgraph runs with the Node flags compose.yaml deploys it with; a sandbox stands in for Odoo or HubSpot and has none.
  start(Proc.start(role, kind, path.join(BENCH_DIR, 'component.ts'), { tsx: true, args: [role], nodeFlags: kind === 'subgraph' ? deployedNodeFlags(role) : [], env: { ...process.env, BENCH_COMPONENT_CODE: CODE, ...extra } }));

interface Target {
  name: string;
  proc?: Proc;
  /** Kept when its answers differ from ours (reported, not refused): an earlier commit may differ where bugs were fixed since. */
  mayDiffer?: boolean;
  /** One request; resolves to the answer's data, throws on an HTTP or GraphQL error. */
  send: (op: Operation, variables: Record<string, unknown>) => Promise<unknown>;
}

const world = buildWorld();
const token = (claims: Parameters<typeof signCallerToken>[0]) => signCallerToken(claims, DEV_CALLER_SECRET, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, expiresIn: '2h' });
const allOps = await benchOperations({ world, token });
const ops = (OPS === 'all' ? allOps : allOps.filter((o) => OPS.split(',').includes(o.name))).filter((o) => !(CANNED && o.freshQuote));
const verify = createCallerVerifier({ mode: 'hs256', secret: DEV_CALLER_SECRET, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
/** The internal credential our gateway would sign for the caller, per subgraph (valid 60 s: re-minted every 30 s). */
const minted = new Map<string, { at: number; value: string }>();
async function credential(op: Operation, subgraph: string): Promise<string> {
  const k = `${op.name}|${subgraph}`;
  const m = minted.get(k);
  if (m && Date.now() - m.at < 30_000) return m.value;
  const value = await signInternalToken(await verify(`Bearer ${op.token}`), subgraph, DEV_INTERNAL_SECRET, `bench-${op.name}`);
  minted.set(k, { at: Date.now(), value });
  return value;
}
const SUBGRAPHS = readSupergraphConfig().map((s) => s.name);

async function post(url: string, op: Operation, variables: Record<string, unknown>, extra: Record<string, string> = {}): Promise<unknown> {
  const res = await request(url, {
    method: 'POST', dispatcher,
    // A request id of its own per request, for every gateway: Hive deduplicates identical in-flight
    // subgraph requests, which our gateway does not do; distinct ids make both do the same work.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${op.token}`, 'x-request-id': randomUUID(), ...extra },
    body: JSON.stringify({ query: op.query, variables }),
  });
  const body = (await res.body.json()) as { data?: unknown; errors?: unknown[] };
  if (res.statusCode !== 200 || body.errors?.length) throw new Error(`HTTP ${res.statusCode} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

// ------------------------------------------------------------ fresh quotes (confirmQuote)
let hubspotSandbox: Proc;
const pool: string[] = [];
async function freshQuotes(n: number): Promise<void> {
  const source = ops.find((o) => o.freshQuote)?.freshQuote;
  if (!source || pool.length >= n) return;
  const { ids } = await hubspotSandbox.ask<{ ids: string[] }>({ cmd: 'cloneQuote', id: source.hubspotId, n: n - pool.length + 50 });
  pool.push(...ids);
}
async function variablesFor(op: Operation): Promise<Record<string, unknown>> {
  if (!op.freshQuote) return op.variables;
  if (!pool.length) await freshQuotes(100);
  return { quoteId: quoteId(pool.shift()!), idempotencyKey: `bench-${randomUUID()}` };
}
/** The first path where two answers differ, with both values (undefined: equal). */
function firstDifference(a: unknown, b: unknown, at = 'data'): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 150)} instead of ${JSON.stringify(b)?.slice(0, 150)}`;
}
/** What may differ between two correct answers: the number of the order a fresh quote became. */
function normalise(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data), (k, v) => (k === 'number' && typeof v === 'string' && /^S\d+/.test(v) ? '<order number>' : v));
}

// ------------------------------------------------------------ measurement
interface Cell {
  latencies: number[]; requests: number; errors: number; firstError?: string; seconds: number;
  cpuMs: Record<string, number>; odooCalls: number; hubspotCalls: number; ordersCreated: number; orderNumbers: Set<string>; peakRss: number;
}
const newCell = (): Cell => ({ latencies: [], requests: 0, errors: 0, seconds: 0, cpuMs: {}, odooCalls: 0, hubspotCalls: 0, ordersCreated: 0, orderNumbers: new Set(), peakRss: 0 });

async function snapshot(): Promise<{ cpu: Record<string, number>; odoo: { calls: number; by: Record<string, number> }; hubspot: { calls: number } }> {
  const [stats, odoo, hubspot] = await Promise.all([
    Promise.all(procs.map(async (p) => [p.name, (await p.stats()).cpuMs] as const)),
    procs.find((p) => p.name === 'odoo-sandbox')!.ask<{ calls: number; by: Record<string, number> }>({ cmd: 'calls' }),
    hubspotSandbox.ask<{ calls: number }>({ cmd: 'calls' }),
  ]);
  return { cpu: Object.fromEntries(stats), odoo, hubspot };
}

/** Closed-loop clients for SECONDS; every latency is kept for percentiles. */
async function drive(t: Target, op: Operation, clients: number, cell: Cell): Promise<void> {
  if (op.freshQuote) await freshQuotes(Math.ceil(clients * 2 + 400 * SECONDS));
  const before = await snapshot();
  let sampling = true;
  const sampler = (async () => {
    while (sampling && t.proc) {
      cell.peakRss = Math.max(cell.peakRss, (await t.proc.stats()).rss);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const vars = await variablesFor(op);
      const s = performance.now();
      try {
        const data = await t.send(op, vars) as { confirmQuote?: { status: string; order?: { number: string } } } | undefined;
        cell.latencies.push(performance.now() - s);
        if (op.freshQuote && data?.confirmQuote) {
          if (data.confirmQuote.status !== 'CONFIRMED') throw new Error(`not confirmed: ${JSON.stringify(data.confirmQuote)}`);
          if (data.confirmQuote.order) cell.orderNumbers.add(data.confirmQuote.order.number);
        }
      } catch (e) {
        // Counted, not fatal: a figure with errors in it is shown as such.
        cell.errors++;
        cell.firstError ??= (e as Error).message.slice(0, 200);
      }
      cell.requests++;
    }
  }));
  cell.seconds += (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const after = await snapshot();
  for (const [name, ms] of Object.entries(after.cpu)) cell.cpuMs[name] = (cell.cpuMs[name] ?? 0) + ms - (before.cpu[name] ?? 0);
  cell.odooCalls += after.odoo.calls - before.odoo.calls;
  cell.hubspotCalls += after.hubspot.calls - before.hubspot.calls;
  cell.ordersCreated += (after.odoo.by['sale.order.create'] ?? 0) - (before.odoo.by['sale.order.create'] ?? 0);
  if (t.proc) cell.peakRss = Math.max(cell.peakRss, (await t.proc.stats()).rss);
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : NaN;
}
/** What `ours` is built from (a change elsewhere, e.g. in bench/, does not make it another gateway). */
const PRODUCTION_SOURCES = ['gateway', 'subgraphs', 'connectors', 'core', 'policy', 'store', 'supergraph.yaml'];
const git = (...args: string[]) => { try { return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return '?'; } };
const slope = (xs: number[], ys: number[]) => {
  const n = xs.length, mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxx ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx : NaN;
};

// ------------------------------------------------------------ run
const notes: string[] = [];
let before: Before | undefined;
const cpus = os.cpus();
const machine = () => `node ${process.version}, ${os.platform()}/${os.arch()}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const loadAtStart = machine();
let exitCode = 0;
let canned: CannedSubgraphs | undefined;
try {
  if (CODE === 'dist') ensureBuild();
  const wantBefore = BEFORE_REF !== '' && (!SOAK || SOAK_TARGETS.includes(BEFORE));
  if (wantBefore) {
    try {
      before = ensureBefore(BEFORE_REF, CODE);
    } catch (e) {
      notes.push(`${BEFORE} (BENCH_BEFORE=${BEFORE_REF}) not prepared: ${(e as Error).message.split('\n')[0]}`);
      console.log(`note: ${notes.at(-1)}`);
    }
  }
  const [odooSandbox, hub] = await Promise.all([component('odoo-sandbox', 'sandbox'), component('hubspot-sandbox', 'sandbox')]);
  hubspotSandbox = hub;
  const backends = { BENCH_ODOO_URL: odooSandbox.url, BENCH_ODOO_DB: world.odoo.database, BENCH_HUBSPOT_URL: hubspotSandbox.url };
  const subgraphs = Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) => [s, await component(`${s}-subgraph`, 'subgraph', backends)] as const)));
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s, subgraphs[s]!.url]));
  canned = CANNED ? await startCannedSubgraphs(subgraphUrls, dispatcher) : undefined;
  const { supergraphSdl } = composeSupergraph(readSupergraphConfig(), canned?.urls ?? subgraphUrls);

  const targets: Target[] = [];
  const ours = await start(startOurs(CODE, supergraphSdl));
  targets.push({ name: 'ours', proc: ours, send: (op, v) => post(ours.url, op, v) });
  if (before) {
    // The baseline's own subgraphs and gateway over the same sandboxes: its gateway signs
    // the internal credential as its subgraphs verify it, not as today's do.
    try {
      const b = before;
      const roles = SUBGRAPHS.map((s) => `${s}-subgraph`);
      const theirs: Proc[] = [];
      const stopTheirs = async () => { for (const p of theirs) { await p.stop().catch(() => undefined); procs.splice(procs.indexOf(p), 1); } };
      try {
        await Promise.all(roles.map(async (r) => theirs.push(await start(startBeforeSubgraph(b, r, { ...process.env, BENCH_COMPONENT_CODE: CODE, ...backends })))));
        theirs.sort((x, y) => roles.indexOf(x.name.slice(BEFORE_PREFIX.length)) - roles.indexOf(y.name.slice(BEFORE_PREFIX.length)));
      } catch (e) { await stopTheirs(); throw e; }
      let gw: Proc;
      try {
        const { names, sdl } = await composeBefore(b, Object.fromEntries(SUBGRAPHS.map((s, i) => [s, theirs[i]!.url])));
        if (names.join() !== SUBGRAPHS.join()) throw new Error(`its supergraph.yaml names ${names.join(', ')}, ours ${SUBGRAPHS.join(', ')}`);
        gw = await start(startBeforeGateway(b, CODE, sdl, BEFORE));
      } catch (e) { await stopTheirs(); throw e; }
      targets.push({ name: BEFORE, proc: gw, mayDiffer: true, send: (op, v) => post(gw.url, op, v) });
    } catch (e) {
      notes.push(`${BEFORE} (${before.subject}) did not start: ${(e as Error).message.slice(0, 300)}`);
      console.log(`note: ${notes.at(-1)}`);
      before = undefined;
    }
  }
  const peerHeaders = async (op: Operation) => Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) => [`x-bench-identity-${s}`, await credential(op, s)] as const)));
  const wanted = SOAK ? PEERS.filter((p) => SOAK_TARGETS.includes(p)) : PEERS;
  if (wanted.length) ensureHive();
  for (const peer of wanted) {
    try {
      const proc = await start(startHive(peer === 'hive-rust' ? 'rust' : 'js', supergraphSdl));
      targets.push({ name: peer, proc, send: async (op, v) => post(proc.url, op, v, await peerHeaders(op)) });
    } catch (e) {
      notes.push(`${peer} did not start: ${(e as Error).message}`);
    }
  }

  // Same answers first: a gateway that answers differently is not doing the same work.
  // Operation by operation, ours then each peer straight after: confirmQuote reserves
  // stock, so a quote check asked after it would rightly answer otherwise.
  for (const op of ops) {
    const expected = normalise(await targets[0]!.send(op, await variablesFor(op)));
    for (const t of [...targets.slice(1)]) {
      let failed: string | undefined;
      const got = normalise(await t.send(op, await variablesFor(op)).catch((e: Error) => { failed = e.message; return { error: e.message }; }));
      const diff = firstDifference(got, expected);
      if (diff === undefined) continue;
      if (t.mayDiffer && failed === undefined) {
        notes.push(`${t.name} kept although its answer to ${op.name} differs from ours at ${diff}`);
        console.log(`note: ${notes.at(-1)}`);
        continue;
      }
      notes.push(`${t.name} left out: its answer to ${op.name} ${failed === undefined ? `differs from ours at ${diff}` : `is an error: ${failed.slice(0, 300)}`}`);
      console.log(`note: ${notes.at(-1)}`);
      if (t.proc) { await t.proc.stop(); procs.splice(procs.indexOf(t.proc), 1); }
      targets.splice(targets.indexOf(t), 1);
    }
  }

  // The floor: capture our plan's subgraph requests once per operation, then replay them.
  const plans = new Map<string, { plan: Plan; substitute: (v: Record<string, unknown>) => Array<[string, string]> }>();
  if (FLOOR && !SOAK) {
    const recorder = await startRecorder(subgraphUrls, dispatcher);
    const capture = await Proc.start('capture', 'gateway', path.join(BENCH_DIR, 'gateway-process.mjs'), {
      tsx: CODE === 'tsx', stdin: composeSupergraph(readSupergraphConfig(), recorder.urls).supergraphSdl, env: { ...process.env, BENCH_GATEWAY_CODE: CODE },
    });
    try {
      for (const op of ops) {
        await post(capture.url, op, await variablesFor(op)); // warm: plan cache, connections
        recorder.take();
        const captured = await variablesFor(op);
        await post(capture.url, op, captured);
        const plan = toPlan(recorder.take());
        const substitute = (v: Record<string, unknown>) => Object.keys(captured).filter((k) => typeof captured[k] === 'string' && captured[k] !== v[k]).map((k) => [captured[k] as string, v[k] as string] as [string, string]);
        plans.set(op.name, { plan, substitute });
      }
    } finally {
      await capture.stop();
      await recorder.close();
    }
    targets.push({
      name: 'floor',
      send: async (op, v) => {
        const p = plans.get(op.name)!;
        await replay(p.plan, subgraphUrls, (s) => credential(op, s), dispatcher, p.substitute(v));
        return undefined;
      },
    });
    for (const op of ops) await targets.at(-1)!.send(op, await variablesFor(op)); // the replay itself must succeed
  }

  // Warm every target on every operation (JIT, query plans, keep-alive sockets) before anything is counted.
  for (const t of targets) for (const op of ops) for (let i = 0; i < WARMUP; i++) await t.send(op, await variablesFor(op));

  if (SOAK) {
    await soak(targets.filter((t) => SOAK_TARGETS.includes(t.name)));
  } else {
    const cells = new Map<string, Cell>();
    const key = (lat: string, t: string, op: string, c: number) => `${lat}|${t}|${op}|${c}`;
    const started = performance.now();
    for (const lat of LATENCIES) {
      await odooSandbox.ask({ cmd: 'latency', ms: lat.odoo });
      await hubspotSandbox.ask({ cmd: 'latency', ms: lat.hubspot });
      for (let round = 0; round < (lat.label === 'none' ? ROUNDS : LATENCY_ROUNDS); round++) {
        for (const op of ops) for (const clients of CLIENTS) {
          // Interleaved: each round visits the targets in turn (rotated), so drift hits all alike.
          const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
          for (const t of order) {
            const k = key(lat.label, t.name, op.name, clients);
            const cell = cells.get(k) ?? newCell();
            cells.set(k, cell);
            await drive(t, op, clients, cell);
          }
          console.log(`  ${lat.label}, round ${round + 1}: ${op.name} at ${clients} client(s) done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
        }
      }
      console.log(`latency ${lat.label}: measured in ${((performance.now() - started) / 1000).toFixed(0)} s so far`);
    }
    report(cells, key, targets.map((t) => t.name));
  }
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  for (const p of [...procs].reverse()) await p.stop().catch(() => undefined);
  await canned?.close();
  await dispatcher.close();
}
process.exit(exitCode);

// ------------------------------------------------------------ output
function report(cells: Map<string, Cell>, key: (lat: string, t: string, op: string, c: number) => string, names: string[]): void {
  const procNames = procs.map((p) => p.name);
  const subNames = procNames.filter((n) => !n.startsWith(BEFORE_PREFIX) && (n.endsWith('-subgraph') || n.endsWith('-sandbox'))).sort();
  const hasBefore = names.includes(BEFORE);
  /** The process behind a column for target `n`: ours-before's subgraph columns are its own subgraphs' (the sandboxes are shared). */
  const procOf = (n: string, col: string) => (n === BEFORE && col.endsWith('-subgraph') ? `${BEFORE_PREFIX}${col}` : col);
  const subgraphCpu = (n: string, c: Cell) => subNames.filter((p) => p.endsWith('-subgraph')).reduce((a, p) => a + (c.cpuMs[procOf(n, p)] ?? 0), 0) / c.requests;
  const mdParts: string[] = [];
  for (const lat of LATENCIES) {
    const main: string[][] = [];
    const cpu: string[][] = [];
    const summary: string[][] = [];
    const chart: Array<{ gateway: string; op: string; clients: number; rps: number; cpu: number }> = [];
    for (const op of ops) for (const clients of CLIENTS) {
      const get = (n: string) => cells.get(key(lat.label, n, op.name, clients));
      const o = get('ours')!;
      const sorted = (c: Cell) => [...c.latencies].sort((a, b) => a - b);
      const rps = (c: Cell) => c.requests / c.seconds;
      const oursP50 = pct(sorted(o), 0.5);
      for (const n of names) {
        const c = get(n);
        if (!c) continue;
        const s = sorted(c);
        const gwCpu = n === 'floor' ? 0 : (c.cpuMs[n] ?? 0) / c.requests;
        chart.push({ gateway: n, op: op.name, clients, rps: rps(c), cpu: gwCpu });
        main.push([op.name, String(clients), n, num(rps(c), 1), num(pct(s, 0.5), 1), num(pct(s, 0.95), 1), num(pct(s, 0.99), 1), String(c.errors),
          n === 'ours' ? '—' : ratio(rps(o), rps(c)), n === 'ours' ? '—' : `${(oursP50 - pct(s, 0.5)).toFixed(1)}`,
          n === 'floor' ? '—' : String(Math.round(c.peakRss / 2 ** 20))]);
        cpu.push([op.name, String(clients), n, n === 'floor' ? '—' : num(gwCpu, 2), ...subNames.map((p) => num((c.cpuMs[procOf(n, p)] ?? 0) / c.requests, 2)),
          num(c.odooCalls / c.requests, 2), num(c.hubspotCalls / c.requests, 2), op.freshQuote ? `${num(c.ordersCreated / c.requests, 2)}${n === 'floor' ? '' : ` (${c.orderNumbers.size} distinct of ${c.requests - c.errors})`}` : '—']);
        if (c.errors) notes.push(`${lat.label}, ${op.name}, ${clients} clients, ${n}: ${c.errors} errors of ${c.requests}, first: ${c.firstError}`);
      }
      const r = (n: string) => { const c = get(n); return c ? ratio(rps(o), rps(c)) : '—'; };
      const cr = (n: string) => { const c = get(n); return c ? ratio((o.cpuMs.ours ?? 0) / o.requests, (c.cpuMs[n] ?? 0) / c.requests) : '—'; };
      const f = get('floor');
      const b = get(BEFORE);
      const hr = get('hive-rust');
      summary.push([op.name, String(clients), num(rps(o), 1), r('hive-rust'), r('hive-js'), f && hr ? ratio(rps(f), rps(hr)) : '—', num(oursP50, 1), f ? num(oursP50 - pct(sorted(f), 0.5), 1) : '—',
        num((o.cpuMs.ours ?? 0) / o.requests, 2), cr('hive-rust'), cr('hive-js'),
        ...(hasBefore ? [r(BEFORE), cr(BEFORE), b ? ratio(subgraphCpu('ours', o), subgraphCpu(BEFORE, b)) : '—'] : [])]);
    }
    const sumHead = ['operation', 'clients', 'ours req/s', 'ours ÷ hive-rust', 'ours ÷ hive-js', 'floor ÷ hive-rust', 'ours p50 ms', 'ours − floor p50 ms', 'ours gateway CPU ms/req', 'CPU ours ÷ hive-rust', 'CPU ours ÷ hive-js',
      ...(hasBefore ? ['ours ÷ before', 'CPU ours ÷ before', 'subgraphs CPU ours ÷ before'] : [])];
    const mainHead = ['operation', 'clients', 'target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'req/s ours ÷ this', 'p50 ours − this ms', 'peak RSS MiB'];
    const cpuHead = ['operation', 'clients', 'target', 'gateway', ...subNames, 'Odoo calls/req', 'HubSpot calls/req', 'orders created/call'];
    console.log(`\n=== backend latency: ${lat.label} (Odoo ${lat.odoo} ms, HubSpot ${lat.hubspot} ms per call) ===`);
    console.log('\nsummary (req/s ratio > 1: ours faster; CPU ratio < 1: ours cheaper)');
    console.log(table(sumHead, summary));
    console.log('\nthroughput and latency');
    console.log(table(mainHead, main));
    console.log('\nCPU ms per request by process, backend calls per request');
    console.log(table(cpuHead, cpu));
    const slug = lat.label === 'none' ? 'none' : `${lat.odoo}-${lat.hubspot}`;
    const svg = `${CANNED ? 'gateway-alone' : 'results'}-${slug}.svg`;
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, svg), renderChart(chart, CLIENTS, `backend latency ${lat.label}; ${loadAtStart}`));
    const mdTable = (head: string[], rows: string[][], left: number) => ['| ' + head.join(' | ') + ' |', '|' + head.map((_, i) => (i < left ? ' --- ' : ' ---: ')).join('|') + '|', ...rows.map((row) => '| ' + row.join(' | ') + ' |')].join('\n');
    mdParts.push(`## Backend latency: ${lat.label} (Odoo ${lat.odoo} ms, HubSpot ${lat.hubspot} ms per call)`, '',
      '### Summary', '', mdTable(sumHead, summary, 1), '',
      '### Throughput and latency', '', mdTable(mainHead, main, 3), '',
      '### CPU ms per request, by process; backend calls per request', '', mdTable(cpuHead, cpu, 3), '',
      `![gateway CPU per request and throughput, latency ${lat.label}](${svg})`, '');
  }
  for (const n of notes) console.log(`note: ${n}`);
  const counts = canned?.counts();
  const md = [
    CANNED
      ? '# Benchmark results: the gateways alone (canned subgraphs): ours, Hive Gateway (JS and Rust planners)'
      : `# Benchmark results: our gateway${hasBefore ? ' (before and after)' : ''}, Hive Gateway (JS and Rust planners), the direct floor`,
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()}. Machine at start: ${loadAtStart}; at end: ${machine()}.`,
    CODE === 'dist'
      ? 'Our gateway, the subgraphs and the sandboxes: compiled JavaScript (dist/), each in its own process (the gateway under plain node, the others loaded from dist/ by bench/component.ts); Hive: plain JavaScript.'
      : 'Our gateway, the subgraphs and the sandboxes: TypeScript sources under the tsx loader, each in its own process; Hive: plain JavaScript.',
    ...(hasBefore && before ? [`\`ours\` is ${git('log', '-1', '--format=%h')}${git('status', '--porcelain', '--untracked-files=no', '--', ...PRODUCTION_SOURCES) ? ' with uncommitted changes' : ''}; \`ours-before\` is commit ${before.subject} (BENCH_BEFORE=${before.ref}): its own gateway (run as ours is) and its own three subgraphs, each in its own process, over the same sandboxes; in the CPU table its subgraph columns are its own subgraphs'.`] : []),
    ...(counts ? [`\`BENCH_SUBGRAPHS=canned\`: every subgraph request a gateway makes is answered from memory by bench/canned.ts after its first sight (${counts.forwarded} answers forwarded to the subgraphs, ${counts.canned} from memory), so the gateway columns are each gateway's own work; the subgraph and sandbox columns are near zero by design.`] : []),
    `NODE_ENV=${CHILD_NODE_ENV} in every process the bench starts.`,
    `${SECONDS} s per cell, ${ROUNDS} interleaved round(s) without injected latency and ${LATENCY_ROUNDS} with it, clients ${CLIENTS.join('/')}, ${WARMUP} warm-up requests per target and operation; master-data cache of the subgraphs ${process.env.BENCH_CACHE_TTL_MS ?? 0} ms.`,
    '',
    '**The machine is shared and loaded: prefer the CPU-per-request columns** (each process\'s own counters); throughput and latency move with the other load. Column meanings: [README.md](README.md).',
    '',
    ...mdParts,
    ...(notes.length ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
  const file = CANNED ? 'gateway-alone.md' : 'results.md';
  writeFileSync(path.join(OUT, file), md);
  console.log(`\nwrote ${path.relative(process.cwd(), path.join(OUT, file))} and ${LATENCIES.length} chart(s)`);
}

// ------------------------------------------------------------ soak
async function soak(targets: Target[]): Promise<void> {
  const reads = ops.filter((o) => !o.freshQuote);
  const WARM = Math.min(60, SOAK_SECONDS / 5);
  const rows: string[][] = [];
  for (const t of targets) {
    const samples = new Map<string, Array<[number, number]>>();
    let requests = 0, errors = 0, i = 0;
    const t0 = performance.now();
    const end = t0 + SOAK_SECONDS * 1000;
    const sampler = (async () => {
      while (performance.now() < end) {
        const at = (performance.now() - t0) / 1000;
        for (const p of procs) {
          const { rss } = await p.stats();
          if (!samples.has(p.name)) samples.set(p.name, []);
          samples.get(p.name)!.push([at, rss / 2 ** 20]);
        }
        await new Promise((r) => setTimeout(r, 5000));
      }
    })();
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (performance.now() < end) {
        const op = reads[i++ % reads.length]!;
        try { await t.send(op, op.variables); } catch { errors++; }
        requests++;
      }
    }));
    await sampler;
    console.log(`soak ${t.name}: ${requests} requests in ${SOAK_SECONDS} s, ${errors} errors`);
    for (const [name, s] of samples) {
      const kept = s.filter(([at]) => at >= WARM);
      if (name !== t.name && !name.endsWith('-subgraph') && !name.endsWith('-sandbox')) continue;
      // Each stack's own subgraphs: ours-before's for it, today's for every other target.
      if (name.endsWith('-subgraph') && name.startsWith(BEFORE_PREFIX) !== (t.name === BEFORE)) continue;
      rows.push([t.name, name, String(kept.length), num(kept[0]?.[1] ?? NaN, 1), num(kept.at(-1)?.[1] ?? NaN, 1), num(Math.max(...s.map(([, r]) => r)), 1), num(slope(kept.map(([a]) => a / 60), kept.map(([, r]) => r)), 2)]);
    }
  }
  const head = ['soak target', 'process', 'samples', 'RSS MiB after warm-up', 'RSS MiB at end', 'peak RSS MiB', 'slope MiB/min'];
  console.log(table(head, rows));
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'soak.md'), [
    '# Soak: RSS over a steady mix', '',
    `Written by \`npm run bench -- --soak\` on ${new Date().toISOString()} — ${loadAtStart}. ${SOAK_SECONDS} s per target at 10 clients, the read operations in turn (no backend latency); RSS sampled every 5 s; slope by least squares over the samples after the first ${WARM.toFixed(0)} s (warm-up).`, '',
    '| ' + head.join(' | ') + ' |', '|' + head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|') + '|', ...rows.map((r) => '| ' + r.join(' | ') + ' |'), '',
  ].join('\n'));
  console.log(`wrote ${path.relative(process.cwd(), path.join(OUT, 'soak.md'))}`);
}
