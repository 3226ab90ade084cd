// `npm start`: the whole system on its embedded defaults — Odoo and HubSpot
// sandboxes with the seeded manufacturing world, the three subgraphs, the gateway —
// then prints the URLs, one development token per role and ready-to-paste examples.
import { ROLES } from '../core/identity.ts';
import { runMain } from '../core/main.ts';
import { devToken } from './dev-tokens.ts';
import { ORDER_STATUS_QUERY } from './examples.ts';
import { startStack } from './stack.ts';
import { buildWorld, DEFAULT_NOW } from '../sandboxes/seed/index.ts';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

runMain('start', async () => {
  // The demo world is one fixed, seeded day (its numbers are what the README shows);
  // business rules (quote validity, lead times) run on that day unless DEMO_CLOCK=wall.
  const world = buildWorld();
  const stack = await startStack({
    world,
    now: process.env.DEMO_CLOCK === 'wall' ? undefined : () => new Date(DEFAULT_NOW),
    // Unset: what the sandbox's Odoo version speaks (JSON-2 on 19, JSON-RPC before).
    odooProtocol: process.env.ODOO_PROTOCOL === 'jsonrpc' || process.env.ODOO_PROTOCOL === 'json2' ? process.env.ODOO_PROTOCOL : undefined,
    cacheTtlMs: process.env.CACHE_TTL_MS ? Number(process.env.CACHE_TTL_MS) : undefined,
    // The sandboxes are reseeded at every start, so by default the store is too (in memory):
    // keys and audit entries about records that no longer exist would only mislead.
    storePath: process.env.STORE_PATH ?? ':memory:',
    ports: {
      gateway: port('GATEWAY_PORT', 4000),
      odooSubgraph: port('ODOO_SUBGRAPH_PORT', 4001),
      crmSubgraph: port('CRM_SUBGRAPH_PORT', 4002),
      writesSubgraph: port('WRITES_SUBGRAPH_PORT', 4003),
      odooSandbox: port('ODOO_SANDBOX_PORT', 8069),
      hubspotSandbox: port('HUBSPOT_SANDBOX_PORT', 8090),
    },
  });
  const demo = stack.world.demo;
  const tokens: Record<string, string> = {};
  for (const role of ROLES) {
    tokens[role] = await devToken({ role, accountId: role === 'customer' ? demo.accountId : undefined, expiresIn: '12h' });
  }
  const body = JSON.stringify({ query: ORDER_STATUS_QUERY.replace(/\s+/g, ' '), variables: { number: demo.orderNumber } });
  console.log(`
odoo-crm-supergraph is running (embedded sandboxes, demo data)

  gateway          ${stack.urls.gateway}
  odoo subgraph    ${stack.urls.odooSubgraph}   (gateway-only)
  crm subgraph     ${stack.urls.crmSubgraph}   (gateway-only)
  writes subgraph  ${stack.urls.writesSubgraph}   (gateway-only; keys, audit, exceptions in ${stack.store.path})
  odoo sandbox     ${stack.urls.odooSandbox}   (JSON-2 /json/2/…, JSON-RPC /jsonrpc, db "${stack.world.odoo.database}")
  hubspot sandbox  ${stack.urls.hubspotSandbox}   (CRM v3/v4)

Development tokens (valid 12 h; \`npm run token -- --role <role>\` makes more):
${ROLES.map((r) => `  ${r.padEnd(18)} ${tokens[r]}`).join('\n')}

Try it — where is order ${demo.orderNumber}? (sales portal, as the customer who placed it)

  curl -s ${stack.urls.gateway} \\
    -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${tokens.customer}' \\
    -d '${body}'

README.md has more examples (CRM extension, BI paging, mutations). Ctrl-C stops everything.
`);
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
