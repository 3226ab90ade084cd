// The CRM subgraph's Account entities, sent straight at it as the gateway would: each
// representation answers on its own. A malformed id fails its own entity (BAD_USER_INPUT
// at its index), never the whole `_entities` list; well-formed ones — CRM-anchored and
// Odoo-anchored, repeated or not — still answer, from one batch read per anchor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { closeServer, listen } from '../core/http.ts';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, signInternalToken } from '../core/identity.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../connectors/crm/hubspot/adapter.ts';
import { createHubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { buildWorld, SANDBOX_HUBSPOT_TOKEN } from '../sandboxes/seed/index.ts';
import { createCrmSubgraph } from '../subgraphs/crm/server.ts';
import { postGraphQL } from './support/stack.ts';

describe('CRM Account entities', () => {
  const world = buildWorld();
  const sandbox = createHubSpotSandbox({ dataset: world.hubspot, rateLimit: { enforce: false } });
  let sub: Awaited<ReturnType<typeof createCrmSubgraph>>;
  let url: string;
  let credential: string;

  before(async () => {
    const base = await sandbox.listen(0, '127.0.0.1');
    const crm = createHubSpotCrm(createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: base, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN, HUBSPOT_PACING: 'off' })));
    sub = await createCrmSubgraph({ crm, internalSecret: DEV_INTERNAL_SECRET, cacheTtlMs: 0 });
    url = `${await listen(sub.server, 0, '127.0.0.1')}/graphql`;
    credential = await signInternalToken({ sub: 'bi', roles: ['bi_reader'], accountId: null, companyIds: null, scopes: [] }, 'crm', DEV_INTERNAL_SECRET, 'rid-entities-0001');
  });
  after(async () => {
    await closeServer(sub.server);
    await sub.stop();
    await sandbox.close();
  });

  test('a malformed id fails its own entity only; the others answer from one batch read per anchor', async () => {
    const companies = world.hubspot.objects.companies;
    const [a, b] = [companies[0]!, companies[1]!];
    const partnerId = companies.find((c) => c.properties.odoo_partner_id)!.properties.odoo_partner_id!;
    const byPartner = companies.find((c) => c.properties.odoo_partner_id === partnerId)!;
    const before = sandbox.log.count({ operation: 'batch_read' });
    const res = await postGraphQL(url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { name } } }', {
      r: [
        { __typename: 'Account', id: encodeId('Account', 'crm', a.id) },
        { __typename: 'Account', id: 'not-an-id' },
        { __typename: 'Account', id: encodeId('Account', 'odoo', partnerId) },
        { __typename: 'Account', id: encodeId('Account', 'crm', b.id) },
        { __typename: 'Account', id: encodeId('Account', 'crm', a.id) },
      ],
    }, { [IDENTITY_HEADER]: credential });
    assert.equal(res.status, 200);
    assert.deepEqual(res.data._entities, [{ name: a.properties.name }, null, { name: byPartner.properties.name }, { name: b.properties.name }, { name: a.properties.name }]);
    assert.deepEqual(res.errors?.map((e) => [e.path, e.extensions?.code]), [[['_entities', 1], 'BAD_USER_INPUT']]);
    // One read by id, one by the Odoo cross-reference.
    assert.equal(sandbox.log.count({ operation: 'batch_read' }) - before, 2);
  });
});
