// One component of the system under bench in a process of its own (bench/bench.ts; the
// subgraphs also for bench/subgraph-cpu.ts, so both benches measure the same build):
// `odoo-sandbox`, `hubspot-sandbox`, `odoo-subgraph`, `crm-subgraph` or `writes-subgraph`
// (argv[2]), built the way scripts/stack.ts builds it, on port 0. Separate processes so
// that each one's CPU and memory come from its own counters, and so that the gateway
// does not share an event loop with the work behind it.
//
// Configuration (env, set by the bench): BENCH_ODOO_URL, BENCH_ODOO_DB, BENCH_HUBSPOT_URL (subgraphs),
// BENCH_CACHE_TTL_MS (subgraphs' master-data cache, default 0: every request does its
// full work), BENCH_COMPONENT_CODE (`dist`: the compiled JavaScript of `npm run build`, as
// production runs the subgraphs — `node dist/subgraphs/<name>/main.js`; `tsx`, default: the
// TypeScript sources through this process's tsx loader). IPC, one request at a time (the parent serialises):
//   'cpu'                              → { cpu: process.cpuUsage(), rss }
//   'stop'                             → exits
//   { cmd: 'calls' }                   → { calls, by }        sandboxes: backend calls answered since start
//   { cmd: 'latency', ms }             → { ok }               sandboxes: constant latency on every call (0: none)
//   { cmd: 'cloneQuote', id, n }       → { ids }              HubSpot sandbox: n fresh copies of an approved quote
// The process announces itself with { url } once it listens.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';

import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';

const role = process.argv[2];
const CODE = process.env.BENCH_COMPONENT_CODE === 'dist' ? 'dist' : 'tsx';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A module of the checkout, compiled or as source (BENCH_COMPONENT_CODE). */
const load = (file: string): Promise<any> => import(new URL(CODE === 'dist' ? `../dist/${file}.js` : `../${file}.ts`, import.meta.url).href);
type Handler = (m: Record<string, unknown>) => unknown;
const handlers: Record<string, Handler> = {};
let server: Server;
let url: string;
/** Releases what the component holds beyond its HTTP server (a subgraph's Apollo server, timers). */
let release: () => Promise<void> = async () => {};

/** Wraps a sandbox log's `record` to count calls without reading the (bounded) log back. */
function countCalls(log: { record: (e: never) => unknown }, keyOf: (e: Record<string, unknown>) => string): void {
  let calls = 0;
  const by: Record<string, number> = {};
  const record = log.record.bind(log);
  log.record = ((e: Record<string, unknown>) => {
    calls++;
    const k = keyOf(e);
    by[k] = (by[k] ?? 0) + 1;
    return record(e as never);
  }) as never;
  handlers.calls = () => ({ calls, by: { ...by } });
}

if (role === 'odoo-sandbox' || role === 'hubspot-sandbox') {
  const { buildWorld } = await load('sandboxes/seed/index');
  const world = buildWorld();
  if (role === 'odoo-sandbox') {
    const { createOdooSandbox } = await load('sandboxes/odoo/server');
    const { JSON2_SINCE } = await load('connectors/odoo/versions');
    const sandbox = createOdooSandbox({ dataset: world.odoo, version: JSON2_SINCE });
    countCalls(sandbox.log, (e) => `${e.model}.${e.method}`);
    let rule: number | undefined;
    handlers.latency = (m) => {
      if (rule !== undefined) sandbox.faults.remove(rule);
      rule = Number(m.ms) > 0 ? sandbox.faults.latency(Number(m.ms)) : undefined;
      return { ok: true };
    };
    url = await sandbox.listen(0, '127.0.0.1');
    server = sandbox.server;
  } else {
    const { createHubSpotSandbox } = await load('sandboxes/hubspot/server');
    const { hubspotSandboxOptionsFromEnv } = await load('sandboxes/hubspot/env');
    const { HUBSPOT_OBJECT_TYPES } = await load('connectors/crm/hubspot/mapping/objects');
    const sandbox = createHubSpotSandbox({ dataset: world.hubspot, ...hubspotSandboxOptionsFromEnv() });
    countCalls(sandbox.log, (e) => `${e.operation}:${e.objectType ?? ''}`);
    let rule: string | undefined;
    handlers.latency = (m) => {
      if (rule !== undefined) sandbox.faults.remove(rule);
      rule = Number(m.ms) > 0 ? sandbox.faults.add({ kind: 'latency', ms: Number(m.ms) }).id : undefined;
      return { ok: true };
    };
    // Fresh quotes for confirmQuote: copies of the seeded approved quote written into the
    // store as the portal would hold them (own line items, same deal, company, contact
    // and template), each with its own number, so every confirmation does the full work.
    let copies = 0;
    handlers.cloneQuote = (m) => {
      const store = sandbox.store;
      const source = store.get('quotes', String(m.id));
      if (!source) throw new Error(`no quote ${String(m.id)}`);
      const ids: string[] = [];
      for (let i = 0; i < Number(m.n); i++) {
        const n = ++copies;
        // Dated from today, not from the seed's date: an expired copy, or one due before its lead time, is rejected, not confirmed.
        const props = {
          ...source.properties, quote_number: `${source.properties.quote_number ?? 'Q'}-B${n}`, hs_title: `${source.properties.hs_title ?? 'quote'} (bench ${n})`,
          hs_expiration_date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
          requested_delivery_date: new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10),
        };
        delete (props as Record<string, unknown>).hs_object_id;
        const quote = store.create('quotes', props);
        for (const type of HUBSPOT_OBJECT_TYPES) {
          for (const edge of store.associationsOf('quotes', source.id, type)) {
            if (type === 'line_items') {
              const line = store.get('line_items', edge.toId)!;
              const lineProps = { ...line.properties };
              delete (lineProps as Record<string, unknown>).hs_object_id;
              const copy = store.create('line_items', lineProps);
              store.link('quotes', quote.id, 'line_items', copy.id, edge.typeId);
            } else {
              store.link('quotes', quote.id, type, edge.toId, edge.typeId);
            }
          }
        }
        ids.push(quote.id);
      }
      return { ids };
    };
    url = await sandbox.listen(0, '127.0.0.1');
    server = sandbox.server;
  }
} else {
  // The same connector settings as scripts/stack.ts gives the development stack (bench/subgraph-build.ts).
  const { buildSubgraph } = await import('./subgraph-build.ts');
  const sub = await buildSubgraph(role, ROOT, CODE);
  server = sub.server;
  release = sub.stop;
  url = sub.url;
}

process.on('message', (m: unknown) => {
  if (m === 'cpu') return process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  if (m === 'stop') {
    setTimeout(() => process.exit(0), 2000).unref();
    void release().finally(() => {
      server.closeAllConnections?.();
      server.close(() => process.exit(0));
    });
    return;
  }
  const msg = m as Record<string, unknown>;
  try {
    process.send!(handlers[String(msg.cmd)]!(msg));
  } catch (e) {
    process.send!({ error: (e as Error).message });
  }
});
process.send!({ url });
