// `npm run bench:gateway-cpu`: CPU milliseconds per request of the GATEWAY alone.
// The sandboxes and subgraphs run in this process; the gateway runs in a child
// process (bench/gateway-process.mjs, as in `npm run bench`) whose own counters (process.cpuUsage) are read
// before and after each measured run. On a shared, loaded machine CPU per request is
// the steadiest figure; wall-clock figures are printed for context only.
//
// Environment: BENCH_CPU_REQUESTS (per operation and client count, default 200),
// BENCH_CPU_CLIENTS (comma list, default "1,10,50"), BENCH_ODOO_LATENCY_MS (0),
// BENCH_HUBSPOT_LATENCY_MS (0), BENCH_GATEWAY_BUILD (`tsx`, default: the sources under
// the tsx loader; `dist`: the compiled JavaScript of `npm run build` under plain node,
// as production runs it; run `npm run build` first),
// BENCH_GATEWAY_NODE_FLAGS (extra node flags of the gateway child),
// BENCH_GATEWAY_CPU_PROF (a folder: the gateway child writes a V8 .cpuprofile there when it exits).
// "of which system" is the kernel's share of that CPU (socket reads and writes, epoll); the last
// column is the gateway's RSS after each cell (the flags above can trade CPU for memory).
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
// As bench/bench.ts: the gateway's CPU is measured, not HubSpot's limits (the sandbox's and the connector's pacing).
process.env.HUBSPOT_SANDBOX_RATE_LIMITS ??= 'off';
process.env.HUBSPOT_PACING ??= 'off';

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { num, postQuery, table, throughput, warmUp, type Run } from './measure.ts';

const { startStack } = await import('../scripts/stack.ts');
const { composeSupergraph, readSupergraphConfig } = await import('../gateway/composition.ts');
const { readOperations } = await import('./operations.ts');

const REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 200);
const CLIENTS = (process.env.BENCH_CPU_CLIENTS ?? '1,10,50').split(',').map(Number).filter((n) => n > 0);

const BUILD = process.env.BENCH_GATEWAY_BUILD === 'dist' ? 'dist' : 'tsx';
const PROFILE_DIR = process.env.BENCH_GATEWAY_CPU_PROF;

const stack = await startStack({ odooProtocol: 'json2', cacheTtlMs: 0 });
const nodeFlags = (process.env.BENCH_GATEWAY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
// The same plain-JavaScript child the bench uses: `dist` loads the compiled gateway (`npm run build`), `tsx` the sources.
const child = fork(fileURLToPath(new URL('./gateway-process.mjs', import.meta.url)), [], {
  execArgv: [...(BUILD === 'dist' ? [] : ['--import', 'tsx']), ...nodeFlags, ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
  stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, BENCH_GATEWAY_CODE: BUILD },
});
type Msg = { url?: string; cpu?: NodeJS.CpuUsage; rss?: number };
const next = () => new Promise<Msg>((resolve) => child.once('message', (m) => resolve(m as Msg)));
try {
  const ready = next();
  const { supergraphSdl } = composeSupergraph(readSupergraphConfig(), {
    odoo: stack.urls.odooSubgraph, crm: stack.urls.crmSubgraph, writes: stack.urls.writesSubgraph,
  });
  child.stdin!.end(supergraphSdl);
  const { url } = await ready;
  const cpu = async () => { const m = next(); child.send('cpu'); return (await m) as Required<Pick<Msg, 'cpu' | 'rss'>>; };

  const ops = await readOperations(stack);
  const rows: string[][] = [];
  for (const op of ops) {
    const run: Run = async () => {
      const r = await postQuery(url!, op.token, op.query, op.variables);
      if (r.errors?.length) throw new Error(`${op.name}: ${JSON.stringify(r.errors[0])}`);
    };
    await warmUp(run, 20);
    for (const clients of CLIENTS) {
      const { cpu: before } = await cpu();
      const t0 = performance.now();
      const rps = await throughput(run, REQUESTS, clients);
      const wall = performance.now() - t0;
      const { cpu: after, rss } = await cpu();
      const cpuMs = (after.user - before.user + after.system - before.system) / 1000;
      rows.push([op.name, String(clients), num(cpuMs / REQUESTS, 2), num((after.system - before.system) / 1000 / REQUESTS, 2), num(rps, 1), num(wall / 1000, 1), num(rss / 2 ** 20, 0)]);
    }
  }
  console.log(`gateway CPU per request (${BUILD === 'dist' ? 'compiled (dist/), plain node' : 'tsx loader'}${nodeFlags.length ? ` ${nodeFlags.join(' ')}` : ''}; own process counters; ${REQUESTS} requests per cell; machine shared and loaded, so req/s is context only)`);
  console.log(table(['operation', 'clients', 'gateway CPU ms/req', 'of which system', 'req/s', 'wall s', 'RSS MiB after'], rows));
} finally {
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  await stack.close();
}
