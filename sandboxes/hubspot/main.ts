// Start the HubSpot sandbox alone, loaded with the seeded world:
//   HUBSPOT_SANDBOX_PORT=8090 npx tsx sandboxes/hubspot/main.ts
// Point the connector at it with HUBSPOT_BASE_URL=http://127.0.0.1:8090 and one of the
// world's tokens as HUBSPOT_ACCESS_TOKEN (printed below).
import { buildWorld } from '../seed/index.ts';
import { HUBSPOT_OBJECT_TYPES } from '../../connectors/crm/hubspot/mapping/objects.ts';
import { createHubSpotSandbox } from './server.ts';
import { hubspotSandboxOptionsFromEnv } from './env.ts';
import { createLogger } from '../../core/logger.ts';
import { exitGracefullyOnSignals } from '../../core/shutdown.ts';

const port = Number(process.env.HUBSPOT_SANDBOX_PORT ?? 8090);
const host = process.env.HUBSPOT_SANDBOX_HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`HUBSPOT_SANDBOX_PORT must be a port number, got ${process.env.HUBSPOT_SANDBOX_PORT}`);
  process.exit(1);
}

const world = await buildWorld();
const sandbox = createHubSpotSandbox({ dataset: world.hubspot, ...hubspotSandboxOptionsFromEnv() });
const url = await sandbox.listen(port, host);
const counts = HUBSPOT_OBJECT_TYPES.map((t) => `${t}=${sandbox.store.count(t)}`).join(' ');
console.log(`HubSpot sandbox listening on ${url} (portal ${world.hubspot.portalId}; ${counts})`);
console.log(`tokens: ${sandbox.store.tokens.size} accepted; admin: ${url}/__sandbox/faults, ${url}/__sandbox/requests`);
for (const w of sandbox.store.warnings) console.warn(`dataset warning: ${w}`);

// Like every component: requests in flight finish before the process exits (core/shutdown.ts).
exitGracefullyOnSignals({ logger: createLogger('hubspot-sandbox'), servers: [sandbox.server] });
