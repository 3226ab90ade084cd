// The HubSpot connector's pooled connections never outlive the server's keep-alive:
// a request written onto a kept-alive socket just as the server closes it fails with
// ECONNRESET on a healthy server (the several-replicas run saw a deal PATCH fail so).
// The sandbox here resets a reused connection whose idle time reached its keep-alive
// — the server's close arriving as the request is written, made deterministic — and
// the client, with no retries, must have opened a fresh connection instead.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHubSpotSandbox, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { buildWorld, SANDBOX_HUBSPOT_TOKEN, type World } from '../sandboxes/seed/index.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient, type HubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { CLIENT_KEEP_ALIVE_IDLE_MS, DEFAULT_SERVER_TIMEOUTS } from '../core/http.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('HubSpot keep-alive connections', () => {
  let world: World;
  let sandbox: HubSpotSandbox;
  let client: HubSpotClient;
  let connections = 0;
  let resets = 0;
  // The server's closing edge, brought forward to just past the client's idle limit
  // (still below the server's keep-alive, so a socket reused then is one the server holds).
  const closingAtMs = CLIENT_KEEP_ALIVE_IDLE_MS + 600;
  const lastAnswer = new WeakMap<Socket, number>();

  before(async () => {
    world = buildWorld();
    sandbox = createHubSpotSandbox({ dataset: world.hubspot });
    sandbox.server.on('connection', () => connections++);
    sandbox.server.prependListener('request', (req, res) => {
      const socket = req.socket;
      const idleSince = lastAnswer.get(socket);
      if (idleSince !== undefined && Date.now() - idleSince >= closingAtMs) {
        resets++;
        socket.destroy();
        return;
      }
      res.once('finish', () => lastAnswer.set(socket, Date.now()));
    });
    const url = await sandbox.listen(0);
    client = createHubSpotClient(loadHubSpotConfig({
      HUBSPOT_BASE_URL: url, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN, HUBSPOT_MAX_RETRIES: '0', HUBSPOT_TIMEOUT_MS: '5000',
    }));
  });
  after(async () => {
    client.close();
    await sandbox.close();
  });

  test('the client closes an idle pooled connection before a server keeping it alive the default time would', () => {
    assert.ok(CLIENT_KEEP_ALIVE_IDLE_MS < DEFAULT_SERVER_TIMEOUTS.keepAliveMs, 'client idle limit below our servers\' keep-alive');
    assert.ok(closingAtMs < sandbox.server.keepAliveTimeout, 'the simulated close comes before the sandbox\'s own');
  });

  test('a call after an idle pause goes out on a fresh connection, not on one the server is closing', async () => {
    const deal = world.demo.dealHubSpotId;
    assert.ok(await client.getById('deals', deal, ['dealname']));
    assert.ok(await client.getById('deals', deal, ['dealname']));
    assert.equal(connections, 1, 'calls in a row share the connection');
    await sleep(closingAtMs + 200);
    const again = await client.getById('deals', deal, ['dealname']).catch((e: { code?: string; message?: string }) => e);
    assert.ok(again && 'id' in again, `the call succeeded without a retry (${(again as { code?: string })?.code ?? ''})`);
    assert.equal(resets, 0, 'no request was written onto a connection idle past the limit');
    assert.equal(connections, 2);
  });
});
