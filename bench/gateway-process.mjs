// Our gateway in a process of its own (bench/bench.ts, bench/gateway-cpu.ts), so its
// CPU and memory are read apart from the subgraphs' and sandboxes'. Reads the
// supergraph SDL from stdin, listens on port 0 and announces { url } over IPC; answers
// 'cpu' with process.cpuUsage() and RSS, exits on 'stop'.
//
// Plain JavaScript so the same file runs both ways the bench measures:
//   BENCH_GATEWAY_CODE=dist  the compiled gateway (`npm run build`, dist/) under plain node,
//                            as production starts it;
//   BENCH_GATEWAY_CODE=tsx   the TypeScript sources under the tsx loader (the parent adds --import tsx).
// BENCH_GATEWAY_ROOT: the checkout whose gateway runs (default this one; bench/before.ts
// points it at an earlier commit's tree, whose gateway took the same options).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
const dist = process.env.BENCH_GATEWAY_CODE === 'dist';
// BENCH_GATEWAY_ROOT: another checkout (ours-before); BENCH_GATEWAY_DIST: another compiled tree than dist/ under it, for bench/gateway-ab.ts.
const root = process.env.BENCH_GATEWAY_ROOT ? pathToFileURL(`${process.env.BENCH_GATEWAY_ROOT}/`) : new URL('../', import.meta.url);
const distDir = process.env.BENCH_GATEWAY_DIST ?? 'dist';
const load = (file) => import(new URL(dist ? `${distDir}/${file}.js` : `${file}.ts`, root).href);
const { createGatewayServer } = await load('gateway/server');
const { createCallerVerifier, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET, DEV_ISSUER, ROLES } = await load('core/identity');
const { loadRateLimitConfig } = await load('gateway/rate-limit');
const { openStoreFromEnv } = await load('store/database');
const rateLimitStore = await load('store/rate-limits');
// Named SqliteRateLimitCounter before the store could be Postgres (2016f13, the bench's default ours-before).
const RateLimitCounter = rateLimitStore.StoreRateLimitCounter ?? rateLimitStore.SqliteRateLimitCounter;

let sdl = '';
for await (const chunk of process.stdin) sdl += chunk;
// The rate-limit counters where gateway/main.ts keeps them on the embedded default: an SQLite file
// (STORE_PATH), opened as main.ts opens it (a tree whose openStoreFromEnv takes no options opens it durable).
const storeDir = mkdtempSync(join(tmpdir(), 'bench-gateway-store-'));
const { store } = await openStoreFromEnv({ STORE_PATH: join(storeDir, 'supergraph.sqlite') }, { durability: 'process' });
const gateway = await createGatewayServer({
  supergraphSdl: sdl,
  rateLimitCounter: new RateLimitCounter(store),
  verifyCaller: createCallerVerifier({ mode: 'hs256', secret: DEV_CALLER_SECRET, issuer: DEV_ISSUER, audience: DEV_AUDIENCE }),
  internalSecret: DEV_INTERNAL_SECRET,
  // The limiter stays on (its cost is part of every request) with limits no bench run reaches.
  rateLimits: loadRateLimitConfig({ GATEWAY_RATE_LIMITS: ROLES.map((r) => `${r}=9999999`).join(',') }),
});
await new Promise((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
process.on('message', (m) => {
  if (m === 'cpu') process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss, memory: process.memoryUsage() });
  // With --expose-gc: what is still referenced after a full collection (a leak shows here, garbage does not).
  if (m === 'retained') {
    globalThis.gc?.();
    process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss, memory: process.memoryUsage() });
  }
  if (m === 'stop') {
    void gateway.stop().finally(() => {
      gateway.server.closeAllConnections?.();
      gateway.server.close(() => {
        void Promise.resolve(store.close()).finally(() => {
          rmSync(storeDir, { recursive: true, force: true });
          process.exit(0);
        });
      });
      setTimeout(() => process.exit(0), 2000).unref();
    });
  }
});
process.send({ url: `http://127.0.0.1:${gateway.server.address().port}/graphql` });
