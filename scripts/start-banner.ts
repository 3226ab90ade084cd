// What `npm start` prints: the URLs, one development token per role and a curl that
// works as pasted (test/start-banner.test.ts runs it). The tokens act as the demo
// world's people, so they can do what the README's examples do: the customer is the
// demo account, the sales rep is the HubSpot owner of that account and its quotes.
import { ROLES, type Role } from '../core/identity.ts';
import type { World } from '../sandboxes/seed/index.ts';
import { devToken } from './dev-tokens.ts';
import { ORDER_STATUS_QUERY } from './examples.ts';

export async function demoTokens(world: World, expiresIn = '12h'): Promise<Record<Role, string>> {
  const demo = world.demo;
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    tokens[role] = await devToken({
      role,
      accountId: role === 'customer' ? demo.accountId : undefined,
      crmOwnerId: role === 'sales_rep' ? demo.ownerHubSpotId : undefined,
      expiresIn,
    });
  }
  return tokens;
}

export interface BannerUrls {
  gateway: string;
  odooSubgraph: string;
  crmSubgraph: string;
  writesSubgraph: string;
  odooSandbox: string;
  hubspotSandbox: string;
  /** The sync worker, when this start runs one. */
  worker?: string;
}

/** The curl of the banner: where is the demo order, as the customer who placed it. */
export function orderStatusCurl(gatewayUrl: string, token: string, orderNumber: string): string {
  const body = JSON.stringify({ query: ORDER_STATUS_QUERY.replace(/\s+/g, ' '), variables: { number: orderNumber } });
  return `curl -s ${gatewayUrl} \\
    -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${token}' \\
    -d '${body}'`;
}

export function startBanner(opts: { urls: BannerUrls; world: World; storePath: string; tokens: Record<Role, string> }): string {
  const { urls, world, tokens } = opts;
  const demo = world.demo;
  const explorer = `${new URL(urls.gateway).origin}/explorer`;
  return `
odoo-crm-supergraph is running (embedded sandboxes, demo data)

  gateway          ${urls.gateway}
  explorer         ${explorer}   (paste a token below; development only)
  odoo subgraph    ${urls.odooSubgraph}   (gateway-only)
  crm subgraph     ${urls.crmSubgraph}   (gateway-only)
  writes subgraph  ${urls.writesSubgraph}   (gateway-only; keys, audit, exceptions in ${opts.storePath})
  odoo sandbox     ${urls.odooSandbox}   (JSON-2 /json/2/…, JSON-RPC /jsonrpc, db "${world.odoo.database}")
  hubspot sandbox  ${urls.hubspotSandbox}   (CRM v3/v4)
${urls.worker ? `  sync worker      ${urls.worker}   (/health, /ready, /stats, /webhooks/odoo, /webhooks/hubspot — docs/sync.md)\n` : ''}
Development tokens (valid 12 h; \`npm run token -- --role <role>\` makes more). The customer is
${demo.accountName}; the sales rep is HubSpot owner ${demo.ownerHubSpotId}, who owns that account and its quotes:
${ROLES.map((r) => `  ${r.padEnd(18)} ${tokens[r]}`).join('\n')}

Try it — where is order ${demo.orderNumber}? (sales portal, as the customer who placed it)

  ${orderStatusCurl(urls.gateway, tokens.customer, demo.orderNumber)}

README.md has more examples (CRM extension, BI paging, mutations). Ctrl-C stops everything.
`;
}

/** `npm start`'s fixed ports, each with the variable that moves it. */
export const START_PORTS = {
  gateway: { variable: 'GATEWAY_PORT', port: 4000 },
  odooSubgraph: { variable: 'ODOO_SUBGRAPH_PORT', port: 4001 },
  crmSubgraph: { variable: 'CRM_SUBGRAPH_PORT', port: 4002 },
  writesSubgraph: { variable: 'WRITES_SUBGRAPH_PORT', port: 4003 },
  odooSandbox: { variable: 'ODOO_SANDBOX_PORT', port: 8069 },
  hubspotSandbox: { variable: 'HUBSPOT_SANDBOX_PORT', port: 8090 },
} as const;

export type StartPorts = Record<keyof typeof START_PORTS, number>;

export function startPortsFromEnv(env: NodeJS.ProcessEnv = process.env): StartPorts {
  const out = {} as StartPorts;
  for (const [name, { variable, port }] of Object.entries(START_PORTS)) out[name as keyof StartPorts] = Number(env[variable] ?? port);
  return out;
}

/** Node's errno for a taken port (a system code, not one of ours in policy/errors.ts). */
const ADDRESS_IN_USE = 'EADDRINUSE';

/** A port already in use names the variable that changes it (another Odoo on 8069 is common on a developer's machine). */
export function explainPortInUse(e: unknown, ports: StartPorts): Error | undefined {
  const err = e as { port?: unknown } | null;
  const name = (Object.keys(ports) as Array<keyof StartPorts>).find((n) => ports[n] === err?.port);
  return name ? explainPortTaken(e, ports[name], START_PORTS[name].variable) : undefined;
}

/** The same for a port a component reads from its own variable (the worker's WORKER_PORT). */
export function explainPortTaken(e: unknown, port: number, variable: string): Error | undefined {
  if ((e as { code?: unknown } | null)?.code !== ADDRESS_IN_USE) return undefined;
  return new Error(`port ${port} is already in use; set ${variable} to a free port, e.g. \`${variable}=${port + 10000} npm start\``);
}
