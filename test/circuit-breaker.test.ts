// The circuit breaker of both connectors, over real HTTP against the sandboxes'
// fault switches: N consecutive unhealthy calls (5xx, outage) open it; while open,
// calls fail at once with BACKEND_UNAVAILABLE naming the system and nothing reaches
// the sandbox (its request log says so); after the half-open interval one probe
// goes through — its failure opens the breaker again, its success closes it; 4xx,
// 429 and other answers of a healthy backend never open it. Asserted by counts and
// states only: the tests wait for the probe, never for a duration.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError, type AppError } from '../policy/errors.ts';
import type { ResilienceEvent } from '../connectors/shared/resilience.ts';
import { createOdooSandbox, type OdooSandbox } from '../sandboxes/odoo/server.ts';
import { JSON2_SINCE } from '../connectors/odoo/versions.ts';
import { buildOdooFixture, FIXTURE_DB, FIXTURE_USERS } from '../sandboxes/odoo/fixtures.ts';
import { createOdooClient, type OdooClient } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { createHubSpotClient, type HubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { buildHubSpotFixture, FIXTURE_TOKEN } from './hubspot-fixture.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { failure } from './support/errors.ts';

const FAILURES = 3;
/** Short, so the probe comes soon; nothing below depends on its length. */
const HALF_OPEN_MS = '100';

const isOpen = (e: unknown) => isAppError(e) && e.details.circuit === 'open';

/** Calls until one is no longer refused by the open breaker (the probe), and returns how it ended. */
async function probe<T>(call: () => Promise<T>): Promise<{ value: T } | { error: AppError }> {
  for (let i = 0; i < 2000; i += 1) {
    try {
      return { value: await call() };
    } catch (e) {
      if (!isOpen(e)) {
        assert.ok(isAppError(e), String(e));
        return { error: e };
      }
    }
    await sleep(5);
  }
  assert.fail('the breaker never let a probe through');
}

const breakerStates = (events: ResilienceEvent[]) => events.flatMap((e) => (e.type === 'breaker' ? [e.state] : []));

for (const protocol of ['json2', 'jsonrpc'] as const) {
  describe(`Odoo circuit breaker over ${protocol}`, () => {
    let sandbox: OdooSandbox;
    let url: string;
    const clients: OdooClient[] = [];
    const makeClient = (events: ResilienceEvent[], env: Record<string, string> = {}, apiKey: string = FIXTURE_USERS.integration.apiKey) => {
      const c = createOdooClient(
        loadOdooConfig({
          ODOO_URL: url,
          ODOO_DB: FIXTURE_DB,
          ODOO_LOGIN: FIXTURE_USERS.integration.login,
          ODOO_API_KEY: apiKey,
          ODOO_PROTOCOL: protocol,
          ODOO_RETRY_BASE_MS: '1',
          ODOO_MAX_RETRIES: '1',
          ODOO_BREAKER_FAILURES: String(FAILURES),
          ODOO_BREAKER_HALF_OPEN_MS: HALF_OPEN_MS,
          ...env,
        }),
        { onEvent: (e) => events.push(e) },
      );
      clients.push(c);
      return c;
    };
    const partnerCalls = () => sandbox.log.count({ model: 'res.partner', transport: protocol });

    before(async () => {
      sandbox = createOdooSandbox({ dataset: buildOdooFixture(), ...(protocol === 'json2' ? { version: JSON2_SINCE } : {}) });
      url = await sandbox.listen(0);
    });
    afterEach(() => {
      sandbox.faults.clear();
      sandbox.log.clear();
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.close();
    });

    test(`${FAILURES} consecutive 5xx open it; open, it refuses without calling Odoo; a failed probe opens it again, a good one closes it`, async () => {
      const events: ResilienceEvent[] = [];
      const c = makeClient(events);
      assert.equal(await c.searchCount('res.partner', []), await c.searchCount('res.partner', []), 'warm up (JSON-RPC logs in once)');
      sandbox.log.clear();

      sandbox.faults.failWith(503, { model: 'res.partner' });
      for (let i = 0; i < FAILURES; i += 1) {
        const e = await failure(c.searchCount('res.partner', []));
        assert.equal(e.code, 'BACKEND_UNAVAILABLE');
        assert.equal(e.details.httpStatus, 503, 'the real failure, retried once');
        assert.equal(e.details.circuit, undefined);
      }
      assert.equal(partnerCalls(), FAILURES * 2);
      assert.deepEqual(breakerStates(events), ['open']);

      for (let i = 0; i < 5; i += 1) {
        const e = await failure(c.searchRead('res.partner', [], ['name']));
        assert.equal(e.code, 'BACKEND_UNAVAILABLE');
        assert.equal(e.details.system, 'odoo');
        assert.equal(e.details.circuit, 'open');
        assert.match(e.message, /^Odoo is unavailable/);
      }
      assert.equal(partnerCalls(), FAILURES * 2, 'an open breaker sends nothing');

      const failedProbe = await probe(() => c.searchCount('res.partner', []));
      assert.ok('error' in failedProbe && failedProbe.error.details.httpStatus === 503);
      assert.equal(partnerCalls(), FAILURES * 2 + 1, 'one probe, not retried');
      assert.deepEqual(breakerStates(events), ['open', 'half_open', 'open']);

      sandbox.faults.clear();
      const goodProbe = await probe(() => c.searchCount('res.partner', [['id', '<=', 6]]));
      assert.deepEqual(goodProbe, { value: 4 });
      assert.equal(partnerCalls(), FAILURES * 2 + 2);
      assert.deepEqual(breakerStates(events), ['open', 'half_open', 'open', 'half_open', 'closed']);
      assert.equal((await c.searchRead('res.partner', [['id', '=', 1]], ['name']))[0]!.name, 'Acme Corp');
      assert.equal(partnerCalls(), FAILURES * 2 + 3);
    });

    test('a dropped connection counts, on writes too (which are never retried)', async () => {
      const events: ResilienceEvent[] = [];
      const c = makeClient(events);
      await c.searchCount('res.partner', []);
      sandbox.log.clear();
      sandbox.faults.down({ model: 'res.partner' });
      for (let i = 0; i < FAILURES; i += 1) {
        const e = await failure(c.write('res.partner', [6], { phone: '+1 555' }));
        assert.equal(e.code, 'BACKEND_UNAVAILABLE');
        assert.equal(e.details.connection, true);
      }
      assert.equal(partnerCalls(), FAILURES);
      assert.deepEqual(breakerStates(events), ['open']);
      assert.ok(isOpen(await failure(c.searchCount('res.partner', []))));
      assert.equal(partnerCalls(), FAILURES);
    });

    test('answers of a healthy Odoo never open it: validation, missing record, access, bad key, 429', async () => {
      const events: ResilienceEvent[] = [];
      const c = makeClient(events, { ODOO_MAX_RETRIES: '0' });
      await c.searchCount('res.partner', []);
      sandbox.log.clear();
      const kinds = [
        () => sandbox.faults.odooError('ValidationError', { model: 'res.partner', times: 1 }),
        () => sandbox.faults.odooError('MissingError', { model: 'res.partner', times: 1 }),
        () => sandbox.faults.odooError('AccessError', { model: 'res.partner', times: 1 }),
        () => sandbox.faults.rateLimit(1, { model: 'res.partner', times: 1 }),
      ];
      const codes: string[] = [];
      for (let round = 0; round < FAILURES; round += 1) {
        for (const inject of kinds) {
          inject();
          codes.push((await failure(c.searchCount('res.partner', []))).code);
        }
      }
      assert.deepEqual(new Set(codes), new Set(['BACKEND_VALIDATION', 'BACKEND_RECORD_MISSING', 'BACKEND_ACCESS_DENIED', 'BACKEND_RATE_LIMITED']));
      assert.equal(partnerCalls(), FAILURES * kinds.length, 'every call reached Odoo');

      const badKey = makeClient(events, { ODOO_MAX_RETRIES: '0' }, 'not-the-key');
      for (let i = 0; i < FAILURES + 1; i += 1) assert.equal((await failure(badKey.searchCount('res.partner', []))).code, 'BACKEND_AUTH_FAILED');
      assert.deepEqual(breakerStates(events), [], 'never opened');
      assert.equal(await c.searchCount('res.partner', [['id', '<=', 6]]), 4);
    });

    test('only consecutive failures count: an answer in between starts the count again', async () => {
      const events: ResilienceEvent[] = [];
      const c = makeClient(events, { ODOO_MAX_RETRIES: '0' });
      await c.searchCount('res.partner', []);
      for (let round = 0; round < 3; round += 1) {
        sandbox.faults.failWith(502, { model: 'res.partner', times: FAILURES - 1 });
        for (let i = 0; i < FAILURES - 1; i += 1) assert.equal((await failure(c.searchCount('res.partner', []))).details.httpStatus, 502);
        sandbox.faults.odooError('ValidationError', { model: 'res.partner', times: 1 });
        assert.equal((await failure(c.searchCount('res.partner', []))).code, 'BACKEND_VALIDATION');
      }
      assert.deepEqual(breakerStates(events), []);
    });
  });
}

describe('HubSpot circuit breaker', () => {
  let sandbox: HubSpotSandbox;
  const clients: HubSpotClient[] = [];
  const makeClient = (events: ResilienceEvent[], env: Record<string, string> = {}) => {
    const c = createHubSpotClient(
      loadHubSpotConfig({
        HUBSPOT_BASE_URL: sandbox.url!,
        HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN,
        HUBSPOT_RETRY_BASE_MS: '1',
        HUBSPOT_MAX_RETRIES: '1',
        HUBSPOT_BREAKER_FAILURES: String(FAILURES),
        HUBSPOT_BREAKER_HALF_OPEN_MS: HALF_OPEN_MS,
        ...env,
      }),
      { onResilienceEvent: (e) => events.push(e) },
    );
    clients.push(c);
    return c;
  };

  before(async () => {
    sandbox = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
    await sandbox.listen();
  });
  afterEach(() => {
    sandbox.faults.clear();
    sandbox.log.clear();
  });
  after(async () => {
    for (const c of clients) c.close();
    await sandbox.close();
  });

  test(`${FAILURES} consecutive outages open it; open, it refuses without calling HubSpot; a failed probe opens it again, a good one closes it`, async () => {
    const events: ResilienceEvent[] = [];
    const c = makeClient(events);
    sandbox.faults.add({ kind: 'down' });
    for (let i = 0; i < FAILURES; i += 1) {
      const e = await failure(c.getById('companies', '1001', ['name']));
      assert.equal(e.code, 'BACKEND_UNAVAILABLE');
      assert.equal(e.details.attempts, 2, 'the real failure, retried once');
      assert.equal(e.details.circuit, undefined);
    }
    assert.equal(sandbox.log.count(), FAILURES * 2);
    assert.deepEqual(breakerStates(events), ['open']);

    for (const call of [() => c.getById('companies', '1001', []), () => c.list('contacts', { limit: 2 }, []), () => c.create('companies', { name: 'Never sent' })]) {
      const e = await failure(call());
      assert.equal(e.code, 'BACKEND_UNAVAILABLE');
      assert.equal(e.details.system, 'hubspot');
      assert.equal(e.details.circuit, 'open');
      assert.match(e.message, /^HubSpot is unavailable/);
    }
    assert.equal(sandbox.log.count(), FAILURES * 2, 'an open breaker sends nothing');

    const failedProbe = await probe(() => c.getById('companies', '1001', ['name']));
    assert.ok('error' in failedProbe && failedProbe.error.code === 'BACKEND_UNAVAILABLE' && failedProbe.error.details.attempts === 1);
    assert.equal(sandbox.log.count(), FAILURES * 2 + 1, 'one probe, not retried');
    assert.deepEqual(breakerStates(events), ['open', 'half_open', 'open']);

    sandbox.faults.clear();
    const goodProbe = await probe(() => c.getById('companies', '1001', ['name']));
    assert.ok('value' in goodProbe && goodProbe.value?.id === '1001');
    assert.equal(sandbox.log.count(), FAILURES * 2 + 2);
    assert.deepEqual(breakerStates(events), ['open', 'half_open', 'open', 'half_open', 'closed']);
    assert.equal((await c.list('contacts', { limit: 2 }, [])).results.length, 2);
    assert.equal(sandbox.log.count(), FAILURES * 2 + 3);
  });

  test('5xx on a create counts once per call (a create is never re-sent)', async () => {
    const events: ResilienceEvent[] = [];
    const c = makeClient(events);
    sandbox.faults.add({ kind: 'error', status: 500, operation: 'create' });
    for (let i = 0; i < FAILURES; i += 1) assert.equal((await failure(c.create('companies', { name: 'Maybe' }))).details.httpStatus, 500);
    assert.equal(sandbox.log.count({ operation: 'create' }), FAILURES);
    assert.deepEqual(breakerStates(events), ['open']);
    assert.ok(isOpen(await failure(c.getById('companies', '1001', []))));
    assert.equal(sandbox.log.count(), FAILURES);
  });

  test('answers of a healthy HubSpot never open it: 404, 400, 423, 429, a bad token', async () => {
    const events: ResilienceEvent[] = [];
    const c = makeClient(events, { HUBSPOT_MAX_RETRIES: '0' });
    const codes: string[] = [];
    for (let round = 0; round < FAILURES; round += 1) {
      codes.push((await failure(c.update('companies', '999999', { name: 'x' }))).code);
      codes.push((await failure(c.search('companies', { filterGroups: Array.from({ length: 6 }, () => ({ filters: [] })), properties: [] }))).code);
      sandbox.faults.add({ kind: 'error', status: 423, times: 1 });
      codes.push((await failure(c.getById('companies', '1001', []))).code);
      sandbox.faults.add({ kind: 'rate_limit', times: 1 });
      codes.push((await failure(c.getById('companies', '1001', []))).code);
    }
    assert.deepEqual(new Set(codes), new Set(['BACKEND_RECORD_MISSING', 'BACKEND_VALIDATION', 'BACKEND_RATE_LIMITED']));
    assert.equal(sandbox.log.count(), FAILURES * 4, 'every call reached HubSpot');

    const badToken = createHubSpotClient(
      loadHubSpotConfig({ HUBSPOT_BASE_URL: sandbox.url!, HUBSPOT_ACCESS_TOKEN: 'pat-na1-wrong', HUBSPOT_BREAKER_FAILURES: String(FAILURES) }),
      { onResilienceEvent: (e) => events.push(e) },
    );
    clients.push(badToken);
    for (let i = 0; i < FAILURES + 1; i += 1) assert.equal((await failure(badToken.getById('companies', '1001', []))).code, 'BACKEND_AUTH_FAILED');
    assert.equal(sandbox.log.count(), FAILURES * 4 + FAILURES + 1);
    assert.deepEqual(breakerStates(events), [], 'never opened');
  });
});

describe('through the gateway', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('Odoo down long enough: the breaker opens, queries keep their CRM data and get BACKEND_UNAVAILABLE naming odoo, and Odoo sees nothing more', async () => {
    const ACCOUNT = `query($id: ID!) { account(id: $id) { name taxId } }`;
    stack.odooSandbox.faults.down();
    try {
      // Until a query no longer reaches Odoo: the breaker has opened.
      let opened = false;
      for (let i = 0; i < 20 && !opened; i += 1) {
        const before = stack.odooSandbox.log.count();
        const res = await stack.query(ACCOUNT, { id: stack.world.demo.accountId });
        assert.equal(res.data.account.name, stack.world.demo.accountName);
        const error = res.errors?.find((e) => e.extensions?.system === 'odoo');
        assert.equal(error?.extensions?.code, 'BACKEND_UNAVAILABLE', JSON.stringify(res.errors));
        opened = stack.odooSandbox.log.count() === before;
      }
      assert.ok(opened, 'the breaker opened');
      const seen = stack.odooSandbox.log.count();
      for (let i = 0; i < 3; i += 1) {
        const res = await stack.query(ACCOUNT, { id: stack.world.demo.accountId });
        assert.equal(res.data.account.name, stack.world.demo.accountName);
        assert.equal(res.data.account.taxId, null);
        const error = res.errors?.find((e) => e.extensions?.system === 'odoo');
        assert.equal(error?.extensions?.code, 'BACKEND_UNAVAILABLE');
        // The caller gets the canonical message; why (the open breaker) is in the subgraph's log line for the request id.
        assert.equal(error!.message, 'Odoo is unavailable');
      }
      assert.equal(stack.odooSandbox.log.count(), seen, 'no request reached Odoo while the breaker was open');
    } finally {
      stack.odooSandbox.faults.clear();
    }
  });
});
