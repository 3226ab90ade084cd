// One deadline per request (issue 9, "budgets that line up"): the gateway's budget
// reaches the subgraphs and the connectors, retries and Retry-After waits happen
// only within what is left, and nothing keeps calling a backend after the caller
// got its answer. The stack's HubSpot connector may spend 2 × 5 s per call; the
// gateway here gives a request 2 s; a subgraph called directly shows what its
// own deadline header and a hang-up do.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { DEADLINE_HEADER, MAX_REQUEST_BUDGET_MS } from '../core/deadline.ts';
import { DEV_INTERNAL_SECRET, signInternalToken } from '../core/identity.ts';
import { requestBudgetMs } from '../gateway/server.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

const GATEWAY_BUDGET_MS = 2_000;
/** Past the connector's own schedule for one call: a 5 s attempt, then a retry after its backoff. */
const CONNECTOR_SCHEDULE_MS = 6_000;
const ACCOUNT_NAME = `query($id: ID!) { account(id: $id) { name } }`;

describe('one deadline per request, set at the gateway', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ gateway: { subgraphTimeoutMs: GATEWAY_BUDGET_MS } });
  });
  after(() => stack.close());

  test('a hanging HubSpot: the caller gets BACKEND_UNAVAILABLE at the deadline, and no retry reaches HubSpot afterwards', async () => {
    await stack.resetCounters();
    stack.hubspotSandbox.faults.add({ kind: 'hang' });
    try {
      const res = await stack.query(ACCOUNT_NAME, { id: stack.world.demo.accountId });
      const error = res.errors?.find((e) => e.extensions?.system === 'hubspot');
      assert.ok(error, JSON.stringify(res.errors));
      // The subgraph's own verdict, naming the backend, not the gateway giving up on the subgraph.
      assert.equal(error.extensions!.code, 'BACKEND_UNAVAILABLE');
      assert.equal(error.extensions!.deadlineReached, true);
      const atAnswer = stack.hubspotSandbox.log.count();
      assert.ok(atAnswer >= 1);
      await sleep(CONNECTOR_SCHEDULE_MS);
      assert.equal(stack.hubspotSandbox.log.count(), atAnswer, 'no HubSpot request after the caller was answered');
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('a Retry-After longer than what is left of the budget is not waited: one request, BACKEND_RATE_LIMITED', async () => {
    await stack.resetCounters();
    stack.hubspotSandbox.faults.add({ kind: 'rate_limit', retryAfterSeconds: 3, times: 1 });
    try {
      const res = await stack.query(ACCOUNT_NAME, { id: stack.world.demo.accountId });
      const error = res.errors?.find((e) => e.extensions?.system === 'hubspot');
      assert.ok(error, JSON.stringify(res.errors));
      assert.equal(error.extensions!.code, 'BACKEND_RATE_LIMITED');
      assert.equal(error.extensions!.deadlineReached, true);
      await sleep(3_500);
      assert.equal(stack.hubspotSandbox.log.count(), 1, 'the 429 was not retried after its Retry-After');
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('with time to spare the same request is answered in full', async () => {
    const res = await stack.query(ACCOUNT_NAME, { id: stack.world.demo.accountId });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.account.name, stack.world.demo.accountName);
  });

  test('a subgraph refuses an expired, malformed or too distant deadline before any backend call', async () => {
    const identity = { sub: 'test-finance', roles: ['finance' as const], accountId: null, companyIds: null, scopes: [], crmOwnerId: null };
    const requestId = 'deadline-test-0001';
    const token = await signInternalToken(identity, 'crm', DEV_INTERNAL_SECRET, requestId);
    const query = `{ _service { sdl } }`;
    const send = (deadline: string | undefined) =>
      postGraphQL(stack.urls.crmSubgraph, query, {}, { 'x-gateway-identity': token, 'x-request-id': requestId, ...(deadline !== undefined ? { [DEADLINE_HEADER]: deadline } : {}) });
    await stack.resetCounters();
    for (const bad of ['0', '-5', 'soon', String(MAX_REQUEST_BUDGET_MS + 1), '999999999']) {
      const res = await send(bad);
      assert.equal(res.status, 400, `${bad}: ${JSON.stringify(res.errors)}`);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_REQUEST');
    }
    assert.equal(stack.hubspotSandbox.log.count(), 0);
    assert.equal((await send('5000')).status, 200);
    assert.equal((await send(undefined)).status, 200);
  });

  test('a subgraph whose caller hangs up stops its backend work: the hanging request is torn down and not retried', async () => {
    const identity = { sub: 'test-finance', roles: ['finance' as const], accountId: null, companyIds: null, scopes: [], crmOwnerId: null };
    const requestId = 'deadline-test-0002';
    const token = await signInternalToken(identity, 'crm', DEV_INTERNAL_SECRET, requestId);
    await stack.resetCounters();
    // The first HubSpot request hangs; a retry (after the connector's 5 s attempt) would be answered.
    stack.hubspotSandbox.faults.add({ kind: 'hang', times: 1 });
    try {
      const gone = new AbortController();
      const pending = fetch(stack.urls.crmSubgraph, {
        method: 'POST',
        // The longest deadline a subgraph accepts: only the hang-up can end this request early.
        headers: { 'content-type': 'application/json', 'x-gateway-identity': token, 'x-request-id': requestId, [DEADLINE_HEADER]: String(MAX_REQUEST_BUDGET_MS) },
        body: JSON.stringify({ query: `{ accounts(first: 1) { edges { node { name } } } }` }),
        signal: gone.signal,
      }).catch((e: unknown) => e);
      for (let i = 0; i < 500 && stack.hubspotSandbox.log.count() === 0; i += 1) await sleep(20);
      assert.equal(stack.hubspotSandbox.log.count(), 1, 'the request reached HubSpot');
      gone.abort();
      assert.ok((await pending) instanceof Error);
      await sleep(CONNECTOR_SCHEDULE_MS);
      assert.equal(stack.hubspotSandbox.log.count(), 1, 'the abandoned call was not retried');
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('a caller may shorten the gateway budget, never lengthen it', () => {
    assert.equal(requestBudgetMs(undefined, 14_000), 14_000);
    assert.equal(requestBudgetMs('3000', 14_000), 3_000);
    assert.equal(requestBudgetMs('60000', 14_000), 14_000);
    assert.equal(requestBudgetMs('0', 14_000), 14_000);
    assert.equal(requestBudgetMs('later', 14_000), 14_000);
  });
});
