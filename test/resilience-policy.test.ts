// The shared resilience policy as both connectors use it, over real HTTP against the
// sandboxes: one event shape for both backends (and the older hooks as views of it),
// one Retry-After rule, a bounded queue in front of the concurrency limit, and a
// caller that gives up while queued. Counts and orderings only, no durations (the
// one exception is the delay chosen after a Retry-After, which must honour it).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { isAppError, type AppError } from '../policy/errors.ts';
import type { ResilienceEvent } from '../connectors/shared/resilience.ts';
import { createOdooSandbox, type OdooSandbox } from '../sandboxes/odoo/server.ts';
import { buildOdooFixture, FIXTURE_DB, FIXTURE_USERS } from '../sandboxes/odoo/fixtures.ts';
import { createOdooClient, type OdooClient, type OdooClientHooks } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../sandboxes/hubspot/server.ts';
import { createHubSpotClient, type HubSpotCallEvent, type HubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { buildHubSpotFixture, FIXTURE_TOKEN } from './hubspot-fixture.ts';
import { failure } from './support/errors.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';

let odoo: OdooSandbox;
let hubspot: HubSpotSandbox;
const odooClients: OdooClient[] = [];
const hubspotClients: HubSpotClient[] = [];

function odooClient(env: Record<string, string>, hooks: OdooClientHooks = {}): OdooClient {
  const c = createOdooClient(
    loadOdooConfig({ ODOO_URL: odoo.url!, ODOO_DB: FIXTURE_DB, ODOO_LOGIN: FIXTURE_USERS.integration.login, ODOO_API_KEY: FIXTURE_USERS.integration.apiKey, ODOO_PROTOCOL: protocolsOf(odoo.version)[0]!, ODOO_RETRY_BASE_MS: '1', ...env }),
    hooks,
  );
  odooClients.push(c);
  return c;
}

function hubspotClient(env: Record<string, string>, options: Parameters<typeof createHubSpotClient>[1] = {}): HubSpotClient {
  const c = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: hubspot.url!, HUBSPOT_ACCESS_TOKEN: FIXTURE_TOKEN, HUBSPOT_RETRY_BASE_MS: '1', ...env }), options);
  hubspotClients.push(c);
  return c;
}

before(async () => {
  odoo = createOdooSandbox({ dataset: buildOdooFixture() });
  hubspot = createHubSpotSandbox({ dataset: buildHubSpotFixture() });
  await odoo.listen(0);
  await hubspot.listen();
});
afterEach(() => {
  odoo.faults.clear();
  odoo.log.clear();
  hubspot.faults.clear();
  hubspot.log.clear();
});
after(async () => {
  await Promise.all(odooClients.map((c) => c.close()));
  for (const c of hubspotClients) c.close();
  await Promise.all([odoo.close(), hubspot.close()]);
});

describe('one event shape for both backends', () => {
  test('a retried read tells the same story on Odoo and HubSpot; the older hooks are views of it', async () => {
    const odooEvents: ResilienceEvent[] = [];
    const calls: Array<{ attempts: number; ok: boolean }> = [];
    const retries: Array<number | undefined> = [];
    const o = odooClient({}, { onEvent: (e) => odooEvents.push(e), onCall: (i) => calls.push({ attempts: i.attempts, ok: i.ok }), onRetry: (i) => retries.push(i.httpStatus) });
    // The server's version is asked once, before the first model call (its own call in the story); the story here is the read's.
    await o.serverVersion();
    odooEvents.length = 0;
    calls.length = 0;
    odoo.faults.failWith(503, { model: 'res.partner', times: 1 });
    assert.equal(await o.searchCount('res.partner', [['id', '<=', 6]]), 4);

    const hubspotEvents: ResilienceEvent[] = [];
    const perAttempt: HubSpotCallEvent[] = [];
    const h = hubspotClient({}, { onResilienceEvent: (e) => hubspotEvents.push(e), onEvent: (e) => perAttempt.push(e) });
    hubspot.faults.add({ kind: 'error', status: 503, times: 1 });
    assert.equal((await h.getById('companies', '1001', ['name'], { requestId: 'req-shape-1' }))?.id, '1001');

    const story = (events: ResilienceEvent[]) =>
      events.map((e) => (e.type === 'attempt' ? `attempt ${e.attempt} ${e.ok ? 'ok' : `failed ${e.httpStatus}`}` : e.type === 'retry' ? `retry after ${e.attempt} (${e.httpStatus})` : e.type === 'call' ? `call ${e.ok ? 'ok' : 'failed'} in ${e.attempts}` : e.type));
    const expected = ['attempt 1 failed 503', 'retry after 1 (503)', 'attempt 2 ok', 'call ok in 2'];
    assert.deepEqual(story(odooEvents), expected);
    assert.deepEqual(story(hubspotEvents), expected);
    assert.ok(odooEvents.every((e) => e.type !== 'breaker' && e.system === 'odoo' && e.operation === 'search_count' && e.model === 'res.partner'));
    assert.ok(hubspotEvents.every((e) => e.type !== 'breaker' && e.system === 'hubspot' && e.operation === 'get' && e.model === 'companies' && e.requestId === 'req-shape-1'));

    assert.deepEqual(calls, [{ attempts: 2, ok: true }]);
    assert.deepEqual(retries, [503]);
    assert.deepEqual(perAttempt.map((e) => [e.attempt, e.outcome, e.status]), [[1, 'retry', 503], [2, 'ok', 200]]);
  });
});

describe('one Retry-After rule', () => {
  test('HubSpot: a Retry-After (or the SECONDLY policy) is waited for; one beyond HUBSPOT_MAX_RETRY_AFTER_MS is reported at once', async () => {
    const delays: number[] = [];
    const patient = hubspotClient({ HUBSPOT_MAX_RETRIES: '1' }, { onResilienceEvent: (e) => e.type === 'retry' && delays.push(e.delayMs) });
    hubspot.faults.add({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
    assert.equal((await patient.getById('companies', '1001', []))?.id, '1001');
    assert.equal(delays.length, 1);
    assert.ok(delays[0]! >= 1000, `Retry-After honoured (waited ${delays[0]} ms)`);
    assert.deepEqual(hubspot.log.entries({ operation: 'get' }).map((e) => e.status), [429, 200]);

    hubspot.log.clear();
    hubspot.faults.add({ kind: 'rate_limit', policy: 'SECONDLY', times: 1 });
    assert.equal((await patient.getById('companies', '1001', []))?.id, '1001');
    assert.ok(delays[1]! >= 1000, `the SECONDLY policy's second honoured (waited ${delays[1]} ms)`);

    hubspot.log.clear();
    const impatient = hubspotClient({ HUBSPOT_MAX_RETRIES: '2', HUBSPOT_MAX_RETRY_AFTER_MS: '500' });
    hubspot.faults.add({ kind: 'rate_limit', retryAfterSeconds: 3 });
    const e = await failure(impatient.getById('companies', '1001', []));
    assert.equal(e.code, 'BACKEND_RATE_LIMITED');
    assert.equal(e.details.retryAfterMs, 3000);
    assert.equal(e.details.attempts, 1);
    assert.equal(hubspot.log.count({ operation: 'get' }), 1);
  });
});

describe('bulkhead', () => {
  test('beyond the concurrency limit and the queue, a call is refused without reaching Odoo, and the breaker does not count it', async () => {
    const events: ResilienceEvent[] = [];
    const c = odooClient({ ODOO_MAX_CONCURRENCY: '1', ODOO_MAX_QUEUE: '1', ODOO_BREAKER_FAILURES: '1' }, { onEvent: (e) => events.push(e) });
    odoo.faults.latency(150, { model: 'res.partner' });
    const results = await Promise.allSettled([0, 1, 2].map(() => c.searchCount('res.partner', [['id', '<=', 6]])));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected']);
    const refused = (results[2] as PromiseRejectedResult).reason as AppError;
    assert.equal(refused.code, 'BACKEND_UNAVAILABLE');
    assert.equal(refused.details.system, 'odoo');
    assert.equal(refused.details.queueFull, true);
    assert.equal(odoo.log.count({ model: 'res.partner' }), 2);
    assert.equal(events.filter((e) => e.type === 'bulkhead_rejected').length, 1);
    assert.equal(events.filter((e) => e.type === 'breaker').length, 0);
    assert.equal(await c.searchCount('res.partner', [['id', '<=', 6]]), 4);
  });

  test('a caller that gives up while queued is answered at once and its call is never sent', async () => {
    const c = odooClient({ ODOO_MAX_CONCURRENCY: '1' });
    odoo.faults.latency(200, { model: 'res.partner' });
    const order: string[] = [];
    const first = c.searchCount('res.partner', []).then(() => order.push('first done'));
    const controller = new AbortController();
    const queued = failure(c.searchCount('res.partner', [], { signal: controller.signal })).then((e) => {
      order.push('queued aborted');
      return e;
    });
    controller.abort();
    const e = await queued;
    await first;
    assert.deepEqual(order, ['queued aborted', 'first done']);
    assert.equal(e.code, 'BACKEND_UNAVAILABLE');
    assert.equal(e.details.aborted, true);
    assert.equal(odoo.log.count({ model: 'res.partner' }), 1);
  });
});

describe('documented defaults', () => {
  test('the README lists the resilience settings with the defaults the configuration applies', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const odooDefaults = loadOdooConfig({ ODOO_URL: 'https://acme.odoo.com', ODOO_API_KEY: 'k' });
    const hubspotDefaults = loadHubSpotConfig({ HUBSPOT_ACCESS_TOKEN: 'k' });
    const rows: Array<[string[], number[]]> = [
      [['HUBSPOT_MAX_RETRY_AFTER_MS'], [hubspotDefaults.maxRetryAfterMs]],
      [['ODOO_MAX_QUEUE', 'HUBSPOT_MAX_QUEUE'], [odooDefaults.maxQueue, hubspotDefaults.maxQueue]],
      [['ODOO_BREAKER_FAILURES', 'HUBSPOT_BREAKER_FAILURES'], [odooDefaults.breakerFailures, hubspotDefaults.breakerFailures]],
      [['ODOO_BREAKER_HALF_OPEN_MS', 'HUBSPOT_BREAKER_HALF_OPEN_MS'], [odooDefaults.breakerHalfOpenMs, hubspotDefaults.breakerHalfOpenMs]],
    ];
    for (const [names, defaults] of rows) {
      const row = `| ${names.map((n) => `\`${n}\``).join(' / ')} | ${defaults.map((d) => `\`${d}\``).join(' / ')} |`;
      assert.ok(readme.includes(row), `README row ${row}`);
    }
  });
});
