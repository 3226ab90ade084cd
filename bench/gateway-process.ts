// One gateway in a process of its own, so its CPU can be read apart from the
// subgraphs' and sandboxes' (bench/gateway-cpu.ts). Reads the supergraph SDL from
// stdin, listens on port 0 and prints its URL; on the IPC message 'cpu' it answers
// with process.cpuUsage() so the parent can take differences.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
const { createGatewayServer } = await import('../gateway/server.ts');
const { createCallerVerifier, DEV_AUDIENCE, DEV_CALLER_SECRET, DEV_INTERNAL_SECRET, DEV_ISSUER, ROLES } = await import('../core/identity.ts');
const { loadRateLimitConfig } = await import('../gateway/rate-limit.ts');

let sdl = '';
for await (const chunk of process.stdin) sdl += chunk;
const gateway = await createGatewayServer({
  supergraphSdl: sdl,
  verifyCaller: createCallerVerifier({ mode: 'hs256', secret: DEV_CALLER_SECRET, issuer: DEV_ISSUER, audience: DEV_AUDIENCE }),
  internalSecret: DEV_INTERNAL_SECRET,
  // The limiter stays on (its cost is part of every request) with limits no bench run reaches.
  rateLimits: loadRateLimitConfig({ GATEWAY_RATE_LIMITS: ROLES.map((r) => `${r}=9999999`).join(',') }),
});
await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
const address = gateway.server.address() as { port: number };
process.on('message', (m) => {
  if (m === 'cpu') process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  if (m === 'stop') void gateway.stop().finally(() => gateway.server.close(() => process.exit(0)));
});
process.send!({ url: `http://127.0.0.1:${address.port}/graphql` });
