// `npx tsx bench/gateway-ab.ts`: gateway CPU per request of two builds (or two sets of node
// flags) side by side, for telling a lever's effect apart from the load of a shared machine.
// Both gateways run at once, as children like bench/gateway-cpu.ts's, over the same
// sandboxes and subgraphs (in this process); each operation's requests go to them in short
// alternating rounds (A B B A …), so whatever else the machine does weighs on both alike.
// The figure is each child's own CPU (process.cpuUsage) per request, summed over its rounds.
//
// Environment: BENCH_AB_A / BENCH_AB_B (compiled trees under the checkout, default `dist`;
// build one with `npx tsc -p tsconfig.build.json --outDir <dir>` and copy supergraph.yaml
// and subgraphs/*/schema.graphql next to it as scripts/build.ts does),
// BENCH_AB_A_FLAGS / BENCH_AB_B_FLAGS (node flags of each child), BENCH_AB_A_ENV /
// BENCH_AB_B_ENV (space-separated K=V set in one child's environment), BENCH_CPU_REQUESTS
// (per operation and side, default 400), BENCH_AB_ROUNDS (default 40), BENCH_CPU_CLIENTS
// (one number, default 10), BENCH_AB_OPS (names of the read operations to run, comma
// list, default all three), BENCH_AB_SUBGRAPHS (`real`, default: the subgraphs answer every
// request; `canned`: bench/canned.ts answers each subgraph request it has seen from memory,
// so the gateways' CPU is measured — and profiled, with --cpu-prof in a side's flags —
// without the subgraphs and sandboxes working on the same cores), BENCH_AB_MEMORY (1: print
// each side's process.memoryUsage() in MiB at the end: heap used and total beside RSS).
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { num, postQuery, table, throughput, warmUp, type Run } from './measure.ts';
import { startCannedSubgraphs } from './canned.ts';

const { startStack } = await import('../scripts/stack.ts');
const { composeSupergraph, readSupergraphConfig } = await import('../gateway/composition.ts');
const { readOperations } = await import('./operations.ts');

const REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 400);
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 40);
const CLIENTS = Number(process.env.BENCH_CPU_CLIENTS ?? 10);
const OPS = process.env.BENCH_AB_OPS?.split(',').map((s) => s.trim()).filter(Boolean);
const CANNED = process.env.BENCH_AB_SUBGRAPHS === 'canned';

interface Side { label: string; child: ChildProcess; url: string }
type Msg = { url?: string; cpu?: NodeJS.CpuUsage; rss?: number };
const next = (child: ChildProcess) => new Promise<Msg>((resolve) => child.once('message', (m) => resolve(m as Msg)));

const stack = await startStack({ odooProtocol: 'json2', cacheTtlMs: 0 });
const sides: Side[] = [];
const subgraphUrls = { odoo: stack.urls.odooSubgraph, crm: stack.urls.crmSubgraph, writes: stack.urls.writesSubgraph };
const canned = CANNED ? await startCannedSubgraphs(subgraphUrls, new Agent({ connections: 64 })) : undefined;
try {
  const { supergraphSdl } = composeSupergraph(readSupergraphConfig(), canned?.urls ?? subgraphUrls);
  for (const name of ['A', 'B'] as const) {
    const dir = process.env[`BENCH_AB_${name}`] ?? 'dist';
    const flags = (process.env[`BENCH_AB_${name}_FLAGS`] ?? '').split(' ').filter(Boolean);
    const env = Object.fromEntries((process.env[`BENCH_AB_${name}_ENV`] ?? '').split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const child = fork(fileURLToPath(new URL('./gateway-process.mjs', import.meta.url)), [], {
      execArgv: flags,
      stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_GATEWAY_CODE: 'dist', BENCH_GATEWAY_DIST: dir, ...env },
    });
    const ready = next(child);
    child.stdin!.end(supergraphSdl);
    const extra = [...flags, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
    sides.push({ label: `${name}: ${dir}${extra.length ? ` ${extra.join(' ')}` : ''}`, child, url: (await ready).url! });
  }
  const usage = async (s: Side) => { const m = next(s.child); s.child.send('cpu'); const r = await m; return { cpuMs: (r.cpu!.user + r.cpu!.system) / 1000, rss: r.rss! }; };

  const rows: string[][] = [];
  for (const op of (await readOperations(stack)).filter((o) => !OPS || OPS.includes(o.name))) {
    const runOn = (s: Side): Run => async () => {
      const r = await postQuery(s.url, op.token, op.query, op.variables);
      if (r.errors?.length) throw new Error(`${op.name}: ${JSON.stringify(r.errors[0])}`);
    };
    for (const s of sides) await warmUp(runOn(s), 100);
    const cpu = [0, 0];
    const rss = [0, 0];
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    // B's CPU over A's in each round: a burst of load elsewhere skews one round, not the median.
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const inRound = [0, 0];
      // A B, then B A: neither side always runs first.
      for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const before = await usage(sides[i]!);
        await throughput(runOn(sides[i]!), perRound, CLIENTS);
        const after = await usage(sides[i]!);
        inRound[i] = after.cpuMs - before.cpuMs;
        cpu[i] += inRound[i]!;
        rss[i] = Math.max(rss[i]!, after.rss);
      }
      ratios.push(inRound[1]! / inRound[0]!);
    }
    ratios.sort((a, b) => a - b);
    const pct = (q: number) => `${num(100 * ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]! - 100, 1)}%`;
    const total = perRound * ROUNDS;
    rows.push([op.name, num(cpu[0]! / total, 2), num(cpu[1]! / total, 2), `${num((100 * cpu[1]!) / cpu[0]! - 100, 1)}%`, `${pct(0.5)} (${pct(0.25)}..${pct(0.75)})`, num(rss[0]! / 2 ** 20, 0), num(rss[1]! / 2 ** 20, 0)]);
  }
  const subgraphs = canned ? `canned subgraphs (${canned.counts().forwarded} answers forwarded, ${canned.counts().canned} from memory)` : 'real subgraphs';
  console.log(`gateway CPU ms per request, ${sides.map((s) => s.label).join(' vs ')}; ${subgraphs}; ${CLIENTS} clients, ${ROUNDS} alternating rounds, ${Math.ceil(REQUESTS / ROUNDS) * ROUNDS} requests per side and operation`);
  console.log(table(['operation', 'A ms/req', 'B ms/req', 'B vs A', 'per round: median (quartiles)', 'A RSS MiB', 'B RSS MiB'], rows));
  if (process.env.BENCH_AB_MEMORY) for (const s of sides) { const m = next(s.child); s.child.send(process.env.BENCH_AB_MEMORY === 'gc' ? 'retained' : 'cpu'); console.log(s.label, JSON.stringify(Object.fromEntries(Object.entries((await m as { memory: Record<string, number> }).memory).map(([k, v]) => [k, Math.round(v / 2 ** 20)])))); }
} finally {
  for (const s of sides) s.child.send('stop');
  await Promise.all(sides.map((s) => new Promise((resolve) => s.child.once('exit', resolve))));
  await canned?.close();
  await stack.close();
}
