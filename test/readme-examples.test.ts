// The README's examples work as pasted: every ```graphql block preceded by its
// visible "**As** `role` — token `npm run -s token -- …` — variables `{…}`" line runs
// through the gateway against the demo world with that role, those token claims and
// those variables, and answers without errors; its explorer link opens that very
// query and variables; and "Your first query" runs in a shell, curl and all.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';
import { README, readmeExamples as examples } from './support/readme-examples.ts';

describe('README examples work as pasted', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('the README has an example for each user of §3', () => {
    const found = examples();
    assert.ok(found.length >= 3);
    for (const role of ['customer', 'sales_rep', 'bi_reader']) assert.ok(found.some((e) => e.role === role), role);
    for (const mutation of ['updateAccount', 'createQuote', 'confirmQuote', 'requestDeliveryDate']) assert.ok(found.some((e) => e.query.includes(`${mutation}(`)), mutation);
  });

  test("the README's demo values are the demo world's", () => {
    const readme = README();
    const demo = stack.world.demo;
    assert.ok(readme.includes(demo.accountId), 'demo account id');
    assert.ok(readme.includes(demo.orderNumber), 'demo order');
    assert.ok(readme.includes(demo.approvedQuote.quoteNumber), 'approved quote');
  });

  for (const [i, example] of examples().entries()) {
    test(`example ${i + 1} (${example.role}) answers without errors`, async () => {
      const res = await stack.query(example.query, example.variables, { role: example.role, accountId: example.account, crmOwnerId: example.owner, scope: example.scope });
      assert.equal(res.status, 200);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const root = Object.values(res.data ?? {})[0] as Record<string, unknown> | undefined;
      assert.ok(root, 'the example returns data');
      // A mutation example must really succeed, not just answer.
      if ('complete' in root) assert.equal(root.complete, true);
      if ('status' in root && 'issues' in root) assert.equal(root.status, 'CONFIRMED', JSON.stringify(root.issues));
    });
  }

  test('"Your first query" works as pasted: its token command and its curl, in a shell', async () => {
    const block = /## Your first query[\s\S]*?```sh\n([\s\S]*?)```/.exec(README())?.[1];
    assert.ok(block, 'the section has a shell block');
    assert.match(block, /curl -s http:\/\/127\.0\.0\.1:4000\/graphql/);
    const script = block.replaceAll('http://127.0.0.1:4000/graphql', stack.urls.gateway);
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: new URL('..', import.meta.url).pathname, timeout: 60_000 });
    const body = JSON.parse(stdout);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data.order.number, stack.world.demo.orderNumber);
    assert.equal(body.data.order.account.name, stack.world.demo.accountName);
    const shown = /It answers `(\{.*?\})`/.exec(README())?.[1];
    assert.ok(shown, 'the README shows the answer');
    assert.equal(shown, JSON.stringify({ data: { order: { ...body.data.order, account: { name: '…' } } } }), 'the answer shown is the one it gives');
  });
});
