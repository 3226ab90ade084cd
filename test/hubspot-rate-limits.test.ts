// HubSpot's rate limits, on by default in the sandbox as in a real portal, and the
// connector pacing itself under them: the sandbox refuses past the burst and past
// search's per-second limit with HubSpot's 429 body and headers; the connector, paced
// from those headers, gets a burst larger than the window and a BI-sized load through
// the gateway done without a 429 reaching anyone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHubSpotSandbox, HUBSPOT_TIERS, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { hubspotPacing } from '../connectors/crm/hubspot/pacing.ts';
import { hubspotSandboxOptionsFromEnv } from '../sandboxes/hubspot/env.ts';
import { buildHubSpotFixture, FIXTURE_TOKEN } from './hubspot-fixture.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function raw(sandbox: HubSpotSandbox, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${FIXTURE_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

describe('the default HubSpot sandbox enforces a real portal\'s limits', () => {
  let sandbox: HubSpotSandbox;
  before(async () => {
    sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    await sandbox.listen();
  });
  after(() => sandbox.close());

  test('past the ten-second burst it answers 429 with HubSpot\'s body and X-HubSpot-RateLimit-* headers', async () => {
    const { max, daily } = HUBSPOT_TIERS.professional;
    const answers = [];
    for (let i = 0; i <= max; i += 1) answers.push(await raw(sandbox, '/crm/v3/objects/companies/1001'));
    assert.deepEqual(answers.slice(0, max).map((a) => a.status), Array(max).fill(200));
    assert.equal(answers[0]!.headers.get('x-hubspot-ratelimit-remaining'), String(max - 1));
    const refused = answers[max]!;
    assert.equal(refused.status, 429);
    assert.deepEqual(Object.keys(refused.body!).sort(), ['correlationId', 'errorType', 'message', 'policyName', 'status']);
    assert.equal(refused.body!.status, 'error');
    assert.equal(refused.body!.errorType, 'RATE_LIMIT');
    assert.equal(refused.body!.policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(refused.body!.message, 'You have reached your ten_secondly_rolling limit.');
    assert.match(refused.body!.correlationId, UUID);
    assert.equal(refused.headers.get('x-hubspot-ratelimit-max'), String(max));
    assert.equal(refused.headers.get('x-hubspot-ratelimit-remaining'), '0');
    assert.equal(refused.headers.get('x-hubspot-ratelimit-interval-milliseconds'), '10000');
    assert.equal(refused.headers.get('x-hubspot-ratelimit-daily'), String(daily));
    assert.equal(refused.headers.get('x-hubspot-ratelimit-daily-remaining'), String(daily - max), 'a refused request is not counted');
  });

  test('search has its own per-second limit (SECONDLY) and its answers carry no rate-limit headers', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => raw(sandbox, '/crm/v3/objects/companies/search', { filterGroups: [], limit: 1 })));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429], 'four searches a second per token');
    for (const a of answers) assert.equal(a.headers.get('x-hubspot-ratelimit-remaining'), null);
    const refused = answers.find((a) => a.status === 429)!;
    assert.equal(refused.body!.policyName, 'SECONDLY');
    assert.equal(refused.body!.errorType, 'RATE_LIMIT');
    assert.equal(refused.body!.message, 'You have reached your secondly limit.');
  });

  test('the limits are per private app: another token has its own window', async () => {
    const other = createHubSpotSandbox({ dataset: { ...buildHubSpotFixture(), tokens: [FIXTURE_TOKEN, 'pat-na1-other-app'] }, rateLimit: { max: 2 } });
    await other.listen();
    try {
      const as = (token: string) => fetch(`${other.url}/crm/v3/objects/companies/1001`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      assert.deepEqual([await as(FIXTURE_TOKEN), await as(FIXTURE_TOKEN), await as(FIXTURE_TOKEN)], [200, 200, 429]);
      assert.equal(await as('pat-na1-other-app'), 200);
    } finally {
      await other.close();
    }
  });
});

describe('settings', () => {
  test('pacing is on by default, assuming the smallest tier until the portal says otherwise; bad values are refused', () => {
    const config = loadHubSpotConfig({ HUBSPOT_ACCESS_TOKEN: 'pat-x' });
    assert.equal(config.pacing, true);
    assert.equal(config.burstLimit, HUBSPOT_TIERS.starter.max);
    assert.equal(config.searchPerSecond, 4);
    assert.equal(loadHubSpotConfig({ HUBSPOT_ACCESS_TOKEN: 'pat-x', HUBSPOT_PACING: 'off' }).pacing, false);
    assert.throws(() => loadHubSpotConfig({ HUBSPOT_ACCESS_TOKEN: 'pat-x', HUBSPOT_PACING: 'maybe' }), /HUBSPOT_PACING/);
    assert.throws(() => loadHubSpotConfig({ HUBSPOT_ACCESS_TOKEN: 'pat-x', HUBSPOT_SEARCH_PER_SECOND: '0' }), /HUBSPOT_SEARCH_PER_SECOND/);
  });

  test('the sandbox reads its tier, enforcement and search delay from HUBSPOT_SANDBOX_*', () => {
    assert.deepEqual(hubspotSandboxOptionsFromEnv({}), { rateLimit: {} });
    assert.deepEqual(hubspotSandboxOptionsFromEnv({ HUBSPOT_SANDBOX_TIER: 'starter', HUBSPOT_SANDBOX_RATE_LIMITS: 'off', HUBSPOT_SANDBOX_SEARCH_DELAY_MS: '0' }), {
      rateLimit: { tier: 'starter', enforce: false }, searchDelayMs: 0,
    });
    assert.throws(() => hubspotSandboxOptionsFromEnv({ HUBSPOT_SANDBOX_TIER: 'gold' }), /HUBSPOT_SANDBOX_TIER/);
    assert.throws(() => hubspotSandboxOptionsFromEnv({ HUBSPOT_SANDBOX_SEARCH_DELAY_MS: '-1' }), /HUBSPOT_SANDBOX_SEARCH_DELAY_MS/);
  });
});

describe('the connector paces itself', () => {
  test('a burst three times the portal\'s window completes without a single 429: calls wait instead', async () => {
    // The smallest tier's 100 requests, in a one-second window (the pacer learns it from the headers) to keep the test short.
    const sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture(), rateLimit: { tier: 'starter', intervalMs: 1000 } });
    await sandbox.listen();
    const client = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN }));
    const before = hubspotPacing.stats();
    try {
      const found = await Promise.all(Array.from({ length: 300 }, () => client.getById('companies', '1001', ['name'])));
      assert.equal(found.filter((o) => o?.id === '1001').length, 300);
      assert.equal(sandbox.log.count({ status: 429 }), 0, 'no request was refused');
      assert.equal(sandbox.log.count({ operation: 'get' }), 300);
      const after = hubspotPacing.stats();
      assert.ok(after.paced - before.paced > 0, `calls waited for the window (paced ${after.paced - before.paced})`);
      assert.equal(after.unhandled429, before.unhandled429);
    } finally {
      client.close();
      await sandbox.close();
    }
  });

  test('a window another process has nearly spent is learned from the headers: the calls wait instead of meeting 429s', async () => {
    const sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture(), rateLimit: { tier: 'starter', intervalMs: 1000 } });
    await sandbox.listen();
    const client = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN, HUBSPOT_MAX_CONCURRENCY: '4' }));
    try {
      // Another holder of the token (a second process) spends 90 of the 100.
      for (let i = 0; i < 90; i += 1) assert.equal((await raw(sandbox, '/crm/v3/objects/companies/1001')).status, 200);
      const found = await Promise.all(Array.from({ length: 40 }, () => client.getById('companies', '1002', [])));
      assert.equal(found.filter((o) => o?.id === '1002').length, 40);
      assert.equal(sandbox.log.count({ status: 429 }), 0, 'the pacer took the other process\'s 90 into account');
    } finally {
      client.close();
      await sandbox.close();
    }
  });

  test('searches are paced at four a second though their answers carry no headers', async () => {
    const sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    await sandbox.listen();
    const client = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN }));
    try {
      const pages = await Promise.all(Array.from({ length: 10 }, () => client.search('companies', { filterGroups: [], properties: ['name'], limit: 1 })));
      assert.equal(pages.length, 10);
      assert.equal(sandbox.log.count({ status: 429 }), 0);
    } finally {
      client.close();
      await sandbox.close();
    }
  });

  test('a slot later than the request\'s deadline is refused at once as BACKEND_RATE_LIMITED, never sent', async () => {
    const sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture(), rateLimit: { max: 2 } });
    await sandbox.listen();
    const client = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN }));
    try {
      await client.getById('companies', '1001', []); // learns max 2 per 10 s
      await client.getById('companies', '1001', []);
      const controller = new AbortController();
      const view = client.forRequest({ at: Date.now() + 1000, signal: controller.signal });
      await assert.rejects(view.getById('companies', '1001', []), (e: any) => e.code === 'BACKEND_RATE_LIMITED' && e.details.paced === true && e.details.backendName === 'TEN_SECONDLY_ROLLING');
      assert.equal(sandbox.log.count({ operation: 'get' }), 2, 'the refused call never reached HubSpot');
    } finally {
      client.close();
      await sandbox.close();
    }
  });
});

describe('a BI-sized load through the gateway with the default sandbox', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('ten BI readers paging every order with its account, contacts and quotes finish with zero unhandled 429s', async () => {
    const query = `query($after: String) { orders(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { number account { name owner { name } contacts { name } quotes { number } } } }
    } }`;
    const before = hubspotPacing.stats();
    await stack.resetCounters();
    const reader = async () => {
      let after: string | null = null;
      let orders = 0;
      do {
        const res: { errors?: unknown; data?: any } = await stack.query(query, { after }, { role: 'bi_reader' });
        assert.equal(res.errors, undefined, JSON.stringify(res.errors)?.slice(0, 400));
        orders += res.data.orders.edges.length;
        after = res.data.orders.pageInfo.hasNextPage ? res.data.orders.pageInfo.endCursor : null;
      } while (after);
      return orders;
    };
    const counts = await Promise.all(Array.from({ length: 10 }, reader));
    assert.ok(counts.every((n) => n === counts[0] && n >= 200), `every reader saw the whole order book (${counts.join(',')})`);
    const calls = stack.hubspotSandbox.log.entries().length;
    assert.ok(calls > HUBSPOT_TIERS.professional.max, `the load was larger than one window (${calls} HubSpot calls)`);
    const after = hubspotPacing.stats();
    assert.equal(after.unhandled429 - before.unhandled429, 0);
    assert.ok(after.paced - before.paced > 0, 'calls waited for the window rather than being refused');
  });
});
