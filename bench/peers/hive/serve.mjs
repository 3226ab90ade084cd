// Hive Gateway for the side-by-side bench (bench/bench.ts). Reads the composed
// supergraph SDL from stdin, serves it on port 0 with the JS planner or, with
// HIVE_PLANNER=rust, the Rust planner (@graphql-hive/router-runtime), prints its URL
// over IPC and answers 'cpu' with its own process.cpuUsage().
//
// The internal credential reaches the subgraphs by HEADER PROPAGATION: the bench
// client sends one pre-signed credential per subgraph (x-bench-identity-<name>) and
// this gateway propagates it as x-gateway-identity. Not a fetch hook: Hive
// deduplicates identical in-flight subgraph requests, and a header added in a fetch
// hook is not part of the dedup key, so one caller could receive another's answer.
//
// HIVE_AUTH=gateway (the test of docs/other-routers.md; needs `--import tsx`): Hive
// verifies the caller's token itself and signs each subgraph's credential in its
// propagateHeaders, from gateway-config.ts — the production configuration. The bench
// default above stays as it is. HIVE_AUTH=gateway-fetch-hook: the same credential set
// in an onFetch hook instead, the pitfall the test measures; never for production.
import http from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';

let sdl = '';
for await (const chunk of process.stdin) sdl += chunk;
const rust = process.env.HIVE_PLANNER === 'rust';
const extra = rust ? { unifiedGraphHandler: (await import('@graphql-hive/router-runtime')).unifiedGraphHandler } : {};
const gateway = createGatewayRuntime({
  supergraph: sdl,
  logging: false,
  // The bench prints a peer's first error when it differs from ours; masked, it would say nothing.
  maskedErrors: false,
  ...extra,
  ...(process.env.HIVE_AUTH?.startsWith('gateway') ? (await import('./gateway-config.ts')).hiveGatewayConfig(process.env, {
    credentialIn: process.env.HIVE_AUTH === 'gateway-fetch-hook' ? 'fetch-hook' : 'propagation',
  }) : {
    propagateHeaders: {
      fromClientToSubgraphs({ request, subgraphName }) {
        const name = String(subgraphName).toLowerCase();
        return {
          'x-gateway-identity': request.headers.get(`x-bench-identity-${name}`),
          'x-request-id': request.headers.get('x-request-id'),
        };
      },
    },
  }),
});
const server = http.createServer(gateway);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
process.on('message', (m) => {
  if (m === 'cpu') process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  if (m === 'stop') server.close(() => process.exit(0));
});
process.send({ url: `http://127.0.0.1:${server.address().port}/graphql` });
