// `npm start`: the whole system on its embedded defaults — Odoo and HubSpot
// sandboxes with the seeded manufacturing world, the three subgraphs, the gateway —
// then prints the URLs, one development token per role and ready-to-paste examples.
import { runMain } from '../core/main.ts';
import { demoTokens, explainPortInUse, startBanner, startPortsFromEnv } from './start-banner.ts';
import { startStack } from './stack.ts';
import { lockConfirmedSalesRequested } from '../sandboxes/odoo/compute/lock.ts';
import { buildWorld, DEFAULT_NOW } from '../sandboxes/seed/index.ts';

runMain('start', async () => {
  // The demo world is one fixed, seeded day (its numbers are what the README shows);
  // business rules (quote validity, lead times) run on that day unless DEMO_CLOCK=wall.
  const world = buildWorld();
  const ports = startPortsFromEnv();
  const stack = await startStack({
    world,
    now: process.env.DEMO_CLOCK === 'wall' ? undefined : () => new Date(DEFAULT_NOW),
    odooProtocol: process.env.ODOO_PROTOCOL === 'jsonrpc' ? 'jsonrpc' : 'json2',
    cacheTtlMs: process.env.CACHE_TTL_MS ? Number(process.env.CACHE_TTL_MS) : undefined,
    // The sandboxes are reseeded at every start, so by default the store is too (in memory):
    // keys and audit entries about records that no longer exist would only mislead.
    storePath: process.env.STORE_PATH ?? ':memory:',
    ports,
  }).catch((e: unknown) => {
    throw explainPortInUse(e, ports) ?? e;
  });
  if (lockConfirmedSalesRequested(process.env)) stack.odooSandbox.store.setLockConfirmedSales(true);
  const tokens = await demoTokens(stack.world);
  console.log(startBanner({ urls: stack.urls, world: stack.world, storePath: stack.store.path, tokens }));
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
