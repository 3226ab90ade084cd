// `npm run bench:subgraph-cpu`: CPU milliseconds per request of EACH SUBGRAPH (odoo,
// crm, writes) on the three read operations of bench/operations.ts, driven through
// our gateway. Each subgraph runs in a child process of its own, bench/component.ts,
// the very build `npm run bench` measures, and answers the IPC message 'cpu' with
// process.cpuUsage(); the sandboxes and the gateway run in this process. On a shared,
// loaded machine CPU per request is the steadiest figure; req/s is context only.
//
// Environment: BENCH_CPU_REQUESTS (per operation and round, default 200), BENCH_CPU_CLIENTS
// (default 10), BENCH_CPU_ROUNDS (measured rounds per operation, default 3; the table
// gives the median), BENCH_CPU_PROF (subgraph names, e.g. "odoo,crm": those children run
// with --cpu-prof and the top self-time functions are printed at the end),
// BENCH_CPU_CACHE_TTL_MS (master-data cache of the subgraphs, default 0 like bench/run.ts),
// BENCH_CPU_OPS (comma list of operation name prefixes, e.g. "order,bi"; default all three),
// BENCH_CPU_CHILD_FLAGS (Node flags for the subgraph processes instead of those compose.yaml deploys them with;
// "" for none, e.g. "--max-semi-space-size=64"),
// BENCH_COMPONENT_CODE (`dist`: the subgraphs from the compiled dist/ as `npm run bench` runs them,
// run `npm run build` first; default `tsx`: the sources).
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
// As bench/bench.ts: the subgraphs' CPU is measured, not HubSpot's limits (the sandbox portal's and
// the connector's pacing would hold the crm subgraph to a few requests per second).
process.env.HUBSPOT_SANDBOX_RATE_LIMITS ??= 'off';
process.env.HUBSPOT_PACING ??= 'off';

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_DIR, deployedNodeFlags, Proc } from './procs.ts';

const SUBGRAPHS = ['odoo', 'crm', 'writes'] as const;
type SubgraphName = (typeof SUBGRAPHS)[number];
/** The checkout's root as profile URLs spell it: the project's own code is what lies under it outside node_modules. */
const ROOT = new URL('..', import.meta.url).href;

// `--profile <file.cpuprofile> [name]`: the summary of a profile written before.
if (process.argv[2] === '--profile') printProfile(JSON.parse(readFileSync(process.argv[3]!, 'utf8')), process.argv[4] ?? 'the', (await import('./measure.ts')).table);
else await parent();

async function parent(): Promise<void> {
  const { num, postQuery, table, throughput, warmUp } = await import('./measure.ts');
  const { composeSupergraph, readSupergraphConfig } = await import('../gateway/composition.ts');
  const { createGatewayServer } = await import('../gateway/server.ts');
  const { loadRateLimitConfig } = await import('../gateway/rate-limit.ts');
  const { createCallerVerifier, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET, DEV_ISSUER, ROLES, signCallerToken } = await import('../core/identity.ts');
  const { closeServer, listen } = await import('../core/http.ts');
  const { createOdooSandbox } = await import('../sandboxes/odoo/server.ts');
  const { createHubSpotSandbox } = await import('../sandboxes/hubspot/server.ts');
  const { hubspotSandboxOptionsFromEnv } = await import('../sandboxes/hubspot/env.ts');
  const { JSON2_SINCE } = await import('../connectors/odoo/versions.ts');
  const { buildWorld } = await import('../sandboxes/seed/index.ts');
  const { readOperations } = await import('./operations.ts');

  const REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 200);
  const CLIENTS = Number(process.env.BENCH_CPU_CLIENTS ?? 10);
  const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 3);
  const PROF = (process.env.BENCH_CPU_PROF ?? '').split(',').map((s) => s.trim()).filter(Boolean) as SubgraphName[];
  const cacheTtlMs = Number(process.env.BENCH_CPU_CACHE_TTL_MS ?? 0);

  const world = buildWorld();
  const odooSandbox = createOdooSandbox({ dataset: world.odoo, version: JSON2_SINCE });
  // The bench measures the subgraphs, not the sandbox portal's rate limiter.
  const hubspotSandbox = createHubSpotSandbox({ dataset: world.hubspot, ...hubspotSandboxOptionsFromEnv(), rateLimit: { enforce: false } });
  // bench/component.ts's configuration contract (the one bench/bench.ts fills in too).
  const backends = {
    BENCH_ODOO_URL: await odooSandbox.listen(0, '127.0.0.1'), BENCH_ODOO_DB: world.odoo.database,
    BENCH_HUBSPOT_URL: await hubspotSandbox.listen(0, '127.0.0.1'), BENCH_CACHE_TTL_MS: String(cacheTtlMs),
  };
  const profDir = PROF.length ? mkdtempSync(join(tmpdir(), 'subgraph-cpu-prof-')) : undefined;

  const children = new Map<SubgraphName, Proc>();
  const urls = {} as Record<SubgraphName, string>;
  let gateway: Awaited<ReturnType<typeof createGatewayServer>> | undefined;
  try {
    for (const name of SUBGRAPHS) {
      const c = await Proc.start(`${name}-subgraph`, 'subgraph', join(BENCH_DIR, 'component.ts'), {
        tsx: true, args: [`${name}-subgraph`], env: { ...process.env, ...backends },
        nodeFlags: [...(process.env.BENCH_CPU_CHILD_FLAGS !== undefined ? process.env.BENCH_CPU_CHILD_FLAGS.split(' ').filter(Boolean) : deployedNodeFlags(`${name}-subgraph`)), ...(PROF.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir!, name)}`] : [])],
      });
      children.set(name, c);
      urls[name] = c.url;
    }
    const { supergraphSdl } = composeSupergraph(readSupergraphConfig(), urls);
    gateway = await createGatewayServer({
      supergraphSdl,
      verifyCaller: createCallerVerifier({ mode: 'hs256', secret: DEV_CALLER_SECRET, issuer: DEV_ISSUER, audience: DEV_AUDIENCE }),
      internalSecret: DEV_INTERNAL_SECRET,
      rateLimits: loadRateLimitConfig({ GATEWAY_RATE_LIMITS: ROLES.map((r) => `${r}=9999999`).join(',') }),
    });
    const gatewayUrl = `${await listen(gateway.server, 0, '127.0.0.1')}/graphql`;
    const cpuAll = async () => Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (n) => [n, (await children.get(n)!.stats()).cpuMs] as const))) as Record<SubgraphName, number>;

    const stackLike = { world, token: (claims: Parameters<typeof signCallerToken>[0]) => signCallerToken(claims, DEV_CALLER_SECRET, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE }) };
    const only = process.env.BENCH_CPU_OPS?.split(',').map((s) => s.trim().toLowerCase());
    const ops = (await readOperations(stackLike as never)).filter((o) => !only || only.some((w) => o.name.toLowerCase().startsWith(w)));
    const rows: string[][] = [];
    for (const op of ops) {
      const run = async () => { await postQuery(gatewayUrl, op.token, op.query, op.variables); };
      await warmUp(run, 30);
      const perRound: Record<SubgraphName, number[]> = { odoo: [], crm: [], writes: [] };
      const callsBefore = { odoo: odooSandbox.log.count(), hubspot: hubspotSandbox.log.count() };
      const rps: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const before = await cpuAll();
        const t0 = performance.now();
        await throughput(run, REQUESTS, CLIENTS);
        rps.push(REQUESTS / ((performance.now() - t0) / 1000));
        const after = await cpuAll();
        for (const n of SUBGRAPHS) perRound[n].push((after[n] - before[n]) / REQUESTS);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      // Backend calls per request, from the sandboxes' own request logs (context: CPU per call).
      const calls = (n: number, before: number) => num((n - before) / (REQUESTS * ROUNDS), 1);
      rows.push([
        op.name, ...SUBGRAPHS.map((n) => `${num(median(perRound[n]), 2)} (${perRound[n].map((x) => x.toFixed(2)).join('/')})`),
        calls(odooSandbox.log.count(), callsBefore.odoo), calls(hubspotSandbox.log.count(), callsBefore.hubspot), num(median(rps), 0),
      ]);
    }
    console.log(`subgraph CPU ms per request (own process counters; ${CLIENTS} clients, ${REQUESTS} requests × ${ROUNDS} rounds; median (each round))`);
    console.log(table(['operation', 'odoo', 'crm', 'writes', 'Odoo calls/req', 'HubSpot calls/req', 'req/s'], rows));
  } finally {
    for (const c of children.values()) await c.stop();
    if (gateway) await Promise.allSettled([closeServer(gateway.server), gateway.stop()]);
    await Promise.allSettled([odooSandbox.close(), hubspotSandbox.close()]);
  }
  if (profDir) {
    for (const name of PROF) {
      const file = readdirSync(join(profDir, name)).find((f) => f.endsWith('.cpuprofile'));
      if (file) printProfile(JSON.parse(readFileSync(join(profDir, name, file), 'utf8')), name, table);
    }
    rmSync(profDir, { recursive: true, force: true });
  }
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (summed over call sites) and per package/folder, top 25 and top 12. */
function printProfile(p: CpuProfile, name: string, table: (h: string[], r: string[][]) => string): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    const where = f.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'node_modules/').replace(ROOT.replace(/^file:\/\//, ''), '');
    const key = `${f.functionName || '(anonymous)'}  ${where.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const place = f.url === '' ? f.functionName : where.startsWith('node_modules/') ? where.split('/').slice(0, where.split('/')[1]!.startsWith('@') ? 3 : 2).join('/') : where.startsWith('node:') ? 'node:internal' : where.split('/').slice(0, 2).join('/');
    byPlace.set(place, (byPlace.get(place) ?? 0) + dt);
    total += dt;
  });
  // Inclusive time of the project's own functions (each counted once per sample stack).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!f.url.startsWith(ROOT) || f.url.includes('/node_modules/')) continue;
      const key = `${f.functionName || '(anonymous)'}  ${f.url.slice(ROOT.length)}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, `${(v / 1000).toFixed(0)} ms`, `${((100 * v) / total).toFixed(1)}%`]);
  console.log(`\n${name} subgraph profile, self time by place (total ${(total / 1000).toFixed(0)} ms):`);
  console.log(table(['place', 'self', 'share'], top(byPlace, 15)));
  console.log(`\n${name} subgraph profile, top self-time functions:`);
  console.log(table(['function', 'self', 'share'], top(self, 30)));
  console.log(`\n${name} subgraph profile, project functions by inclusive time:`);
  console.log(table(['function', 'inclusive', 'share'], top(inclusive, 25)));
}
