// One subgraph of the baseline stack (bench/before.ts) in a process of its own:
// `odoo-subgraph`, `crm-subgraph` or `writes-subgraph` (argv[2]) built from the
// commit materialised at BENCH_BEFORE_DIR, with the connector settings bench/component.ts
// gives today's subgraphs, against the same sandboxes (BENCH_ODOO_URL, BENCH_ODOO_DB,
// BENCH_HUBSPOT_URL; BENCH_CACHE_TTL_MS). Same IPC contract as component.ts: { url }
// once listening, 'cpu' → { cpu, rss }, 'stop' exits.
// Built by bench/subgraph-build.ts, the function that builds today's subgraphs.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';

import { buildSubgraph } from './subgraph-build.ts';

const dir = process.env.BENCH_BEFORE_DIR;
if (!dir) throw new Error('BENCH_BEFORE_DIR is not set');
const sub = await buildSubgraph(process.argv[2] ?? '', dir, process.env.BENCH_COMPONENT_CODE === 'dist' ? 'dist' : 'tsx');
const url = sub.url;

process.on('message', (m: unknown) => {
  if (m === 'cpu') return process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  if (m === 'stop') {
    setTimeout(() => process.exit(0), 2000).unref();
    void sub.stop().finally(() => {
      sub.server.closeAllConnections?.();
      sub.server.close(() => process.exit(0));
    });
  }
});
process.send!({ url });
