// Start the Odoo sandbox alone, loaded with the seeded world:
//   ODOO_SANDBOX_PORT=8069 npx tsx sandboxes/odoo/main.ts        (or: npm run sandbox:odoo)
// It speaks JSON-RPC (POST /jsonrpc) and, as Odoo 19, JSON-2 (POST /json/2/<model>/<method>).
// Point the connector at it with ODOO_URL=http://127.0.0.1:8069, ODOO_DB and
// the login / API key of one of the world's users (sandboxes/seed).
// ODOO_SANDBOX_VERSION (16, 17, 18 or 19; default 18) chooses the Odoo version imitated
// (sandboxes/odoo/versions.ts); below 19 the JSON-2 endpoint answers 404, as a real Odoo 16–18 does.
// ODOO_SANDBOX_LOCK_CONFIRMED_SALES=1 turns on Sales → "Lock Confirmed Sales": action_confirm then locks the order.
import { buildWorld } from '../seed/index.ts';
import { ODOO_MODELS, type OdooModelName } from '../../connectors/odoo/mapping/models.ts';
import type { OdooDataset } from './types.ts';
import { createOdooSandbox } from './server.ts';
import { lockConfirmedSalesRequested } from './compute/lock.ts';
import { createLogger } from '../../core/logger.ts';
import { exitGracefullyOnSignals } from '../../core/shutdown.ts';

const port = Number(process.env.ODOO_SANDBOX_PORT ?? 8069);
const host = process.env.ODOO_SANDBOX_HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`ODOO_SANDBOX_PORT must be a port number, got ${process.env.ODOO_SANDBOX_PORT}`);
  process.exit(1);
}

const world = await buildWorld();
const sandbox = createOdooSandbox({ dataset: world.odoo });
if (lockConfirmedSalesRequested(process.env)) sandbox.store.setLockConfirmedSales(true);
const url = await sandbox.listen(port, host);
const counts = (Object.keys(ODOO_MODELS) as OdooModelName[])
  .map((m) => [m, sandbox.store.records(m).length] as const)
  .filter(([, n]) => n > 0)
  .map(([m, n]) => `${m}=${n}`)
  .join(' ');
console.log(`Odoo sandbox listening on ${url} (database ${world.odoo.database}; ${counts})`);
console.log(`users: ${world.odoo.users.map((u: OdooDataset['users'][number]) => `${u.login} (uid ${u.uid}, companies ${u.companyIds.join(',')})`).join('; ')}`);
console.log(`admin: ${url}/__sandbox/faults, ${url}/__sandbox/requests`);
for (const w of sandbox.store.warnings) console.warn(`dataset warning: ${w}`);

// Like every component: requests in flight finish before the process exits (core/shutdown.ts).
exitGracefullyOnSignals({ logger: createLogger('odoo-sandbox'), servers: [sandbox.server] });
