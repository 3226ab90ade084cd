// The composed supergraph runs unchanged under Hive Gateway (docs/other-routers.md):
// Hive, in its own process, installed on demand like the bench's, serves our
// supergraph over our subgraphs with the production configuration of
// bench/peers/hive/gateway-config.ts — it verifies the caller itself and its own
// header propagation forwards the request id and a per-subgraph credential. The
// README's examples answer through it exactly as through our gateway; two customers
// asking for the same order at the same time each get only what is theirs, even
// though Hive deduplicates identical in-flight subgraph requests.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { composeSupergraph, readSupergraphConfig } from '../gateway/composition.ts';
import { accountIdFor } from '../core/ids.ts';
import { IDENTITY_HEADER } from '../core/identity.ts';
import { ensureHive, HIVE_DIR, HIVE_SERVE } from '../bench/peers/hive/ensure.ts';
import { postGraphQL, startTestStack, type Caller, type GraphQLResponse, type TestStack } from './support/stack.ts';
import { readmeExamples } from './support/readme-examples.ts';

const ORDER = 'query OrderStatus($number: String!) { order(number: $number) { number state account { name } amountTotal { amount currency } lines { product { sku } quantity } } }';

/** Hive Gateway in a process of its own (bench/peers/hive/serve.mjs) on `supergraphSdl`; `auth` picks its configuration. */
async function startHive(supergraphSdl: string, auth: 'gateway' | 'gateway-fetch-hook'): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(HIVE_SERVE, [], {
    cwd: HIVE_DIR, execArgv: ['--import', 'tsx'], stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
    // The settings our gateway reads (AUTH_*, INTERNAL_TOKEN_SECRET): the stack's embedded development ones.
    // Hive reads LOG_LEVEL too and knows no 'silent'; its logging is off in serve.mjs.
    env: { ...process.env, LOG_LEVEL: undefined, HIVE_AUTH: auth, NODE_ENV: 'test', ALLOW_DEV_SECRETS: '1' },
  });
  const ready = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`Hive Gateway exited (${code})`)));
    child.once('message', (m) => resolve((m as { url: string }).url));
  });
  child.stdin!.end(supergraphSdl);
  return { child, url: await ready };
}

async function stopHive(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

describe('the supergraph under Hive Gateway', () => {
  let stack: TestStack;
  let hive: ChildProcess;
  let hiveUrl: string;
  let supergraphSdl: string;

  before(async () => {
    ensureHive((line) => process.stderr.write(`${line}\n`));
    stack = await startTestStack();
    ({ supergraphSdl } = composeSupergraph(readSupergraphConfig(), {
      odoo: stack.urls.odooSubgraph, crm: stack.urls.crmSubgraph, writes: stack.urls.writesSubgraph,
    }));
    ({ child: hive, url: hiveUrl } = await startHive(supergraphSdl, 'gateway'));
  });

  after(async () => {
    await stopHive(hive);
    await stack?.close();
  });

  const bearer = async (as: Caller) => ({ authorization: `Bearer ${await stack.token({ sub: as.sub ?? `hive-${as.role}`, roles: [as.role], accountId: as.accountId, crmOwnerId: as.crmOwnerId, scope: as.scope })}` });
  const answer = (r: GraphQLResponse) => ({ status: r.status, data: r.data, errors: r.errors });

  test("the README's examples: the same answers through Hive Gateway as through our gateway", async () => {
    const examples = readmeExamples();
    assert.ok(examples.length >= 8);
    for (const example of examples) {
      const headers = await bearer({ role: example.role, accountId: example.account, crmOwnerId: example.owner, scope: example.scope });
      // Ours first: a mutation example runs there and Hive's request, with the same idempotency key, replays it.
      const ours = await postGraphQL(stack.urls.gateway, example.query, example.variables, headers);
      const theirs = await postGraphQL(hiveUrl, example.query, example.variables, headers);
      assert.equal(ours.errors, undefined, JSON.stringify(ours.errors));
      assert.ok(ours.data && Object.values(ours.data)[0], 'the example returns data');
      assert.deepEqual(answer(theirs), answer(ours), example.query.split('\n')[0]);
    }
  });

  test('Hive verifies callers itself: no token, a forged one, an expired one → 401 UNAUTHENTICATED before any subgraph call', async () => {
    const forged = (await stack.token({ sub: 'x', roles: ['finance'] })).replace(/\.[^.]+$/, '.AAAA');
    const expired = await stack.token({ sub: 'x', roles: ['finance'] }, '-1m');
    for (const headers of [{}, { authorization: `Bearer ${forged}` }, { authorization: `Bearer ${expired}` }] as Array<Record<string, string>>) {
      await stack.resetCounters();
      const res = await postGraphQL(hiveUrl, ORDER, { number: stack.world.demo.orderNumber }, headers);
      assert.equal(res.status, 401);
      assert.equal(res.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.equal(res.data, undefined);
      assert.equal(stack.odooSandbox.log.entries({ model: 'sale.order' }).length, 0, 'no backend call for a refused caller');
    }
  });

  test('the request id reaches the subgraphs by propagation (it is in the audit trail of a write made through Hive)', async () => {
    const requestId = `hive-${randomUUID()}`;
    const key = `hive-rid-${randomUUID()}`;
    const headers = { ...(await bearer({ role: 'sales_ops' })), 'x-request-id': requestId };
    const res = await postGraphQL(hiveUrl, 'mutation($order: ID!, $key: String!) { requestDeliveryDate(orderId: $order, date: "2027-02-01", reason: "Hive request id", idempotencyKey: $key) { commitmentDate } }',
      { order: 'T3JkZXI6b2Rvbzo0Mg', key }, headers);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.headers.get('x-request-id'), requestId);
    const audit = await postGraphQL(hiveUrl, '{ auditLog(first: 50) { edges { node { idempotencyKey requestId } } } }', {}, await bearer({ role: 'integration_admin' }));
    assert.equal(audit.errors, undefined, JSON.stringify(audit.errors));
    const entry = audit.data.auditLog.edges.map((e: { node: { idempotencyKey: string; requestId: string } }) => e.node).find((n: { idempotencyKey: string }) => n.idempotencyKey === key);
    assert.equal(entry?.requestId, requestId);
  });

  test('a subgraph refuses a caller that is not the router, even with a valid caller token', async () => {
    const headers = await bearer({ role: 'finance' });
    const direct = await postGraphQL(stack.urls.odooSubgraph, ORDER, { number: stack.world.demo.orderNumber }, { ...headers, [IDENTITY_HEADER]: headers.authorization.slice(7) });
    assert.equal(direct.status, 401);
    assert.equal(direct.data, undefined);
  });

  /** Customer a (the demo account) and customer b (another company with a CRM reference and a confirmed order). */
  async function twoCustomers() {
    const { odoo } = stack.world;
    const partners = odoo.records['res.partner']!;
    const companyOf = (id: number) => { const p = partners.find((r) => r.id === id)!; return (p.parent_id as number | false) || p.id; };
    const demo = stack.world.demo;
    const otherOrder = odoo.records['sale.order']!.find((o) => o.state === 'sale' && companyOf(o.partner_id as number) !== demo.accountOdooId
      && partners.find((p) => p.id === companyOf(o.partner_id as number))!.ref)!;
    const otherCompany = partners.find((p) => p.id === companyOf(otherOrder.partner_id as number))!;
    const orders = { a: demo.orderNumber, b: String(otherOrder.name) };
    const headers = {
      a: await bearer({ role: 'customer', sub: 'customer-a', accountId: demo.accountId }),
      b: await bearer({ role: 'customer', sub: 'customer-b', accountId: accountIdFor({ crmId: String(otherCompany.ref), odooId: otherCompany.id }) }),
    };
    // What our gateway answers each customer for each order: its own order, and a refusal for the other's.
    const expected: Record<string, ReturnType<typeof answer>> = {};
    for (const who of ['a', 'b'] as const) for (const whose of ['a', 'b'] as const) {
      expected[`${who}:${whose}`] = answer(await postGraphQL(stack.urls.gateway, ORDER, { number: orders[whose] }, headers[who]));
    }
    assert.equal(expected['a:a']!.data.order.number, orders.a);
    assert.equal(expected['b:b']!.data.order.number, orders.b);
    assert.notEqual(expected['a:a']!.data.order.account.name, expected['b:b']!.data.order.account.name);
    assert.equal(expected['a:b']!.data.order, null);
    assert.equal(expected['b:a']!.data.order, null);
    return { orders, headers, expected };
  }

  /**
   * `rounds` times, both customers ask for a's order and for b's order in the same tick (identical
   * subgraph request bodies), with Odoo answering sale.order reads after 100 ms so that the
   * identical requests are surely in flight together. Returns every answer that differs from ours.
   */
  async function sameOrderAtOnce(url: string, rounds: number) {
    const { orders, headers, expected } = await twoCustomers();
    const slow = stack.odooSandbox.faults.latency(100, { model: 'sale.order' });
    const wrong: Array<{ round: number; key: string; got: ReturnType<typeof answer> }> = [];
    try {
      for (let round = 0; round < rounds; round++) {
        const calls = (['a', 'b'] as const).flatMap((whose) => (['a', 'b'] as const).map((who) => ({ key: `${who}:${whose}`, p: postGraphQL(url, ORDER, { number: orders[whose] }, headers[who]) })));
        for (const { key, p } of calls) {
          const got = answer(await p);
          if (JSON.stringify(got) !== JSON.stringify(expected[key])) wrong.push({ round, key, got });
        }
      }
    } finally {
      stack.odooSandbox.faults.remove(slow);
    }
    return { wrong, orders };
  }

  test('two customers asking for the same order at the same time, many times: each gets only its own data, and the refusal our gateway gives', async () => {
    const { wrong } = await sameOrderAtOnce(hiveUrl, 20);
    assert.deepEqual(wrong, []);
  });

  test('the pitfall is real: the same credential set in a fetch hook is not in the dedup key, and customers get each other\'s answers', async () => {
    const unsafe = await startHive(supergraphSdl, 'gateway-fetch-hook');
    try {
      const { wrong, orders } = await sameOrderAtOnce(unsafe.url, 5);
      const leaks = wrong.filter((w) => w.got.data?.order?.number && w.got.data.order.number !== orders[w.key[0] as 'a' | 'b']);
      process.stderr.write(`fetch-hook credential: ${wrong.length} of 20 answers differ from our gateway's, ${leaks.length} of them another customer's order\n`);
      assert.ok(leaks.length > 0, 'with the credential outside the dedup key, one customer receives the other\'s order');
    } finally {
      await stopHive(unsafe.child);
    }
  });
});
