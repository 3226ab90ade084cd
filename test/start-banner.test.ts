// What `npm start` prints works: its curl answers as pasted, its sales_rep token acts
// as the demo account's HubSpot owner (so it can change that account, as the
// README's write examples do), and a port already in use names its variable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { startStack } from '../scripts/stack.ts';
import { demoTokens, explainPortInUse, startBanner, startPortsFromEnv } from '../scripts/start-banner.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

const run = promisify(execFile);

describe('the start banner', () => {
  let stack: TestStack;
  let tokens: Awaited<ReturnType<typeof demoTokens>>;
  before(async () => {
    stack = await startTestStack();
    tokens = await demoTokens(stack.world);
  });
  after(async () => {
    await stack?.close();
  });

  test('the printed curl works as pasted', async () => {
    const banner = startBanner({ urls: stack.urls, world: stack.world, storePath: stack.store.kind === 'sqlite' ? stack.store.path : `postgres schema ${stack.store.schema}`, tokens });
    const curl = /^\s*(curl -s [\s\S]*?-d '.*')$/m.exec(banner)?.[1];
    assert.ok(curl, `no curl in:\n${banner}`);
    const { stdout } = await run('bash', ['-c', curl], { timeout: 30_000 });
    const body = JSON.parse(stdout);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data.order.number, stack.world.demo.orderNumber);
    assert.ok(body.data.order.account.name);
    assert.match(banner, /\/explorer/, 'the banner points at the explorer');
  });

  test("the sales_rep token is the demo account's owner and may change that account", async () => {
    const demo = stack.world.demo;
    assert.equal(decodeJwt(tokens.sales_rep).crmOwnerId, demo.ownerHubSpotId);
    const owner = stack.world.hubspot.objects.companies.find((c) => String(c.id) === demo.accountHubSpotId)?.properties.hubspot_owner_id;
    assert.equal(owner, demo.ownerHubSpotId, 'the seeded owner of the demo account');
    const res = await postGraphQL(
      stack.urls.gateway,
      `mutation($id: ID!, $key: String!) { updateAccount(id: $id, idempotencyKey: $key, input: { phone: "+49 40 555 0199" }) { complete account { phone } } }`,
      { id: demo.accountId, key: 'start-banner-owner-1' },
      { authorization: `Bearer ${tokens.sales_rep}` },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.updateAccount.complete, true);
  });
});

test('a port already in use names the variable that changes it', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const ports = { ...startPortsFromEnv({}), odooSandbox: taken };
    // The Odoo sandbox is the first to listen, so nothing else is left running when it fails.
    const error = await startStack({ ports: { odooSandbox: taken } }).then(
      () => assert.fail('started on a taken port'),
      (e: unknown) => e,
    );
    assert.match(explainPortInUse(error, ports)?.message ?? String(error), new RegExp(`port ${taken} is already in use; set ODOO_SANDBOX_PORT`));
    assert.equal(explainPortInUse(new Error('other'), ports), undefined);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
