// `npm run bench:peers`: our gateway side by side with Hive Gateway (JS planner and
// Rust planner) on the same composed supergraph over the same subgraphs and sandboxes
// (in this process). Each gateway runs in a process of its own, so its CPU per request
// comes from its own counters (process.cpuUsage over IPC): on this shared, loaded
// machine that is the steadiest figure; throughput and latency are context.
//
// Hive is installed on demand into bench/peers/hive (its own package.json and
// lockfile, `npm ci --prefix`). It gets the internal credential by header
// propagation (see bench/peers/hive/serve.mjs). Before measuring, every gateway must
// return the same JSON as ours for every operation and caller; a peer that does not
// is reported and left out. Never fails on wall time.
//
// Environment: BENCH_PEER_SECONDS per cell (default 3), BENCH_PEER_CLIENTS (default
// "1,10,50"), BENCH_PEER_ROUNDS interleaved rounds (default 2), BENCH_PEERS (default
// "hive-js,hive-rust"), BENCH_PEER_WARMUP requests per gateway and operation (20),
// BENCH_PEER_OUT (default docs/bench).
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
// The gateways are measured, not HubSpot's limits: the sandbox portal and the
// connector's own pacing (4 searches/s, as a real portal's) would otherwise bound
// every gateway's throughput alike and hide the differences.
process.env.HUBSPOT_SANDBOX_RATE_LIMITS ??= 'off';
process.env.HUBSPOT_PACING ??= 'off';

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { num, ratio, table } from './measure.ts';
import { renderChart } from './chart.ts';

const { startStack } = await import('../scripts/stack.ts');
const { composeSupergraph, readSupergraphConfig } = await import('../gateway/composition.ts');
const { readOperations } = await import('./operations.ts');
const { createCallerVerifier, signInternalToken, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET, DEV_ISSUER } = await import('../core/identity.ts');

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_PEER_SECONDS ?? 3);
const CLIENTS = (process.env.BENCH_PEER_CLIENTS ?? '1,10,50').split(',').map(Number).filter((n) => n > 0);
const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 2);
const WARMUP = Number(process.env.BENCH_PEER_WARMUP ?? 20);
const PEERS = (process.env.BENCH_PEERS ?? 'hive-js,hive-rust').split(',').filter(Boolean);
const OUT = path.resolve(process.env.BENCH_PEER_OUT ?? path.join(here, '..', 'docs', 'bench'));
const SUBGRAPHS = readSupergraphConfig().map((s) => s.name);

type Msg = { url?: string; cpu?: NodeJS.CpuUsage; rss?: number };
interface Gateway { name: string; child: ChildProcess; url: string; headers: (op: Op) => Promise<Record<string, string>>; next: () => Promise<Msg> }
type Op = Awaited<ReturnType<typeof readOperations>>[number];

function ensureHive(): void {
  const dir = path.join(here, 'peers', 'hive');
  if (existsSync(path.join(dir, 'node_modules', '@graphql-hive', 'gateway-runtime'))) return;
  console.log('installing Hive Gateway into bench/peers/hive (npm ci, own lockfile)…');
  execFileSync('npm', ['ci', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

async function startGateway(name: string, sdl: string, headers: Gateway['headers']): Promise<Gateway> {
  const ours = name === 'ours';
  const child = ours
    ? fork(path.join(here, 'gateway-process.mjs'), [], { execArgv: ['--import', 'tsx'], stdio: ['pipe', 'inherit', 'inherit', 'ipc'] })
    : fork(path.join(here, 'peers', 'hive', 'serve.mjs'), [], {
        cwd: path.join(here, 'peers', 'hive'), execArgv: [], stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
        // Hive reads LOG_LEVEL too and knows no 'silent'; logging is off in serve.mjs.
        env: { ...process.env, LOG_LEVEL: undefined, HIVE_PLANNER: name === 'hive-rust' ? 'rust' : 'js' },
      });
  const next = () => new Promise<Msg>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${name} exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => { child.off('exit', onExit); resolve(m as Msg); });
  });
  const ready = next();
  child.stdin!.end(sdl);
  const { url } = await ready;
  return { name, child, url: url!, headers, next };
}

async function cpuMs(g: Gateway): Promise<{ ms: number; rss: number }> {
  const m = g.next();
  g.child.send('cpu');
  const { cpu, rss } = await m;
  return { ms: (cpu!.user + cpu!.system) / 1000, rss: rss! };
}

async function post(g: Gateway, op: Op): Promise<unknown> {
  const res = await fetch(g.url, {
    method: 'POST',
    // A request id of its own per request, for every gateway: Hive deduplicates identical in-flight
    // subgraph requests, which our gateway does not do; distinct ids make both do the same work.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${op.token}`, 'x-request-id': randomUUID(), ...(await g.headers(op)) },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
  if (res.status !== 200 || body.errors?.length) throw new Error(`${g.name} ${op.name}: HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

interface Cell { latencies: number[]; requests: number; errors: number; seconds: number; cpuMs: number; peakRss: number }

/** Closed-loop clients for `seconds`; every latency is kept for percentiles. */
async function drive(g: Gateway, op: Op, clients: number, cell: Cell): Promise<void> {
  const before = await cpuMs(g);
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const s = performance.now();
      try {
        await post(g, op);
        cell.latencies.push(performance.now() - s);
      } catch {
        // Counted, not fatal: a figure with errors in it is shown as such.
        cell.errors++;
      }
      cell.requests++;
    }
  }));
  cell.seconds += (performance.now() - t0) / 1000;
  const after = await cpuMs(g);
  cell.cpuMs += after.ms - before.ms;
  cell.peakRss = Math.max(cell.peakRss, after.rss);
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : NaN;
}

const stack = await startStack({ odooProtocol: 'json2', cacheTtlMs: 0 });
const gateways: Gateway[] = [];
const notes: string[] = [];
try {
  const { supergraphSdl } = composeSupergraph(readSupergraphConfig(), {
    odoo: stack.urls.odooSubgraph, crm: stack.urls.crmSubgraph, writes: stack.urls.writesSubgraph,
  });
  const ops = await readOperations(stack);
  // What our gateway would forward, minted by the bench for the peers: the caller's
  // verified identity as one credential per subgraph (valid 60 s, so re-minted every 30 s).
  const verify = createCallerVerifier({ mode: 'hs256', secret: DEV_CALLER_SECRET, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
  const minted = new Map<string, { at: number; headers: Record<string, string> }>();
  const peerHeaders = async (op: Op) => {
    const m = minted.get(op.token);
    if (m && Date.now() - m.at < 30_000) return m.headers;
    const identity = await verify(`Bearer ${op.token}`);
    const headers: Record<string, string> = {};
    for (const s of SUBGRAPHS) headers[`x-bench-identity-${s}`] = await signInternalToken(identity, s, DEV_INTERNAL_SECRET, `bench-${op.name}`);
    minted.set(op.token, { at: Date.now(), headers });
    return headers;
  };
  gateways.push(await startGateway('ours', supergraphSdl, async () => ({})));
  if (PEERS.length) ensureHive();
  for (const peer of PEERS) {
    try {
      gateways.push(await startGateway(peer, supergraphSdl, peerHeaders));
    } catch (e) {
      notes.push(`${peer} did not start: ${(e as Error).message}`);
    }
  }
  // Same answers first: a gateway that answers differently is not doing the same work.
  const expected = await Promise.all(ops.map((op) => post(gateways[0]!, op)));
  for (const g of gateways.slice(1)) {
    for (const [i, op] of ops.entries()) {
      try {
        assert.deepEqual(await post(g, op), expected[i]);
      } catch (e) {
        notes.push(`${g.name} left out: its answer to ${op.name} differs from ours (${(e as Error).message.split('\n')[0]})`);
        g.child.send('stop');
        gateways.splice(gateways.indexOf(g), 1);
        break;
      }
    }
  }
  // Warm every gateway on every operation (JIT, query plans, keep-alive sockets) before anything is counted.
  for (const g of gateways) for (const op of ops) for (let i = 0; i < WARMUP; i++) await post(g, op);
  const cells = new Map<string, Cell>();
  const key = (g: string, op: string, c: number) => `${g}|${op}|${c}`;
  for (let round = 0; round < ROUNDS; round++) {
    for (const op of ops) for (const clients of CLIENTS) {
      // Interleaved: each round visits the gateways in turn (rotated), so drift hits all alike.
      const order = gateways.map((_, i) => gateways[(i + round) % gateways.length]!);
      for (const g of order) {
        const k = key(g.name, op.name, clients);
        const cell = cells.get(k) ?? { latencies: [], requests: 0, errors: 0, seconds: 0, cpuMs: 0, peakRss: 0 };
        cells.set(k, cell);
        await drive(g, op, clients, cell);
      }
    }
  }
  const rows: string[][] = [];
  const results: Array<{ gateway: string; op: string; clients: number; rps: number; cpu: number }> = [];
  for (const op of ops) for (const clients of CLIENTS) for (const g of gateways) {
    const c = cells.get(key(g.name, op.name, clients))!;
    const ours = cells.get(key('ours', op.name, clients))!;
    const s = [...c.latencies].sort((a, b) => a - b);
    const rps = c.requests / c.seconds;
    const cpu = c.cpuMs / c.requests;
    results.push({ gateway: g.name, op: op.name, clients, rps, cpu });
    rows.push([op.name, String(clients), g.name, num(rps, 1), num(pct(s, 0.5), 1), num(pct(s, 0.95), 1), num(pct(s, 0.99), 1), num(cpu, 2),
      String(Math.round(c.peakRss / 2 ** 20)), String(c.errors), g.name === 'ours' ? '—' : ratio(ours.requests / ours.seconds, rps), g.name === 'ours' ? '—' : ratio(ours.cpuMs / ours.requests, cpu)]);
  }
  const header = ['operation', 'clients', 'gateway', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'gateway CPU ms/req', 'RSS MiB', 'errors', 'req/s ours ÷ peer', 'CPU ours ÷ peer'];
  console.log(table(header, rows));
  for (const n of notes) console.log(`note: ${n}`);
  const cpus = os.cpus();
  const machine = `node ${process.version}, ${os.platform()}/${os.arch()}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  mkdirSync(OUT, { recursive: true });
  const md = [
    '# Side by side: our gateway and Hive Gateway',
    '',
    `Written by \`npm run bench:peers\` on ${new Date().toISOString()} — ${machine}.`,
    `${SECONDS} s per cell, ${ROUNDS} interleaved rounds, clients ${CLIENTS.join('/')}, sandboxes without injected latency. Same supergraph, same subgraphs and sandboxes (in the bench process); each gateway in its own process.`,
    '',
    'HubSpot rate limits and pacing are off (sandbox and connector) so that the gateways, not the portal, are measured; every request carries its own x-request-id, so Hive\'s in-flight deduplication of identical subgraph requests (which our gateway does not do) cannot serve several clients with one subgraph call. req/s counts every answer, errors included (column errors); percentiles are of the successful answers.',
    '',
    '**The machine is shared and loaded: prefer the CPU-per-request column** (from each gateway process\'s own counters); throughput and latency move with the other load.',
    '',
    '| ' + header.join(' | ') + ' |',
    '|' + header.map((_, i) => (i < 3 ? ' --- ' : ' ---: ')).join('|') + '|',
    ...rows.map((r) => '| ' + r.join(' | ') + ' |'),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    '![gateway CPU per request and throughput](peers.svg)',
    '',
  ].join('\n');
  writeFileSync(path.join(OUT, 'peers.md'), md);
  writeFileSync(path.join(OUT, 'peers.svg'), renderChart(results, CLIENTS, machine));
  console.log(`wrote ${path.relative(process.cwd(), path.join(OUT, 'peers.md'))} and peers.svg`);
} finally {
  for (const g of gateways) {
    g.child.send('stop');
    await new Promise((resolve) => { if (g.child.exitCode !== null) resolve(null); else g.child.once('exit', resolve); });
  }
  await stack.close();
}
