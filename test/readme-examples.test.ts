// The README's examples work as pasted: every ```graphql block marked with an
// `<!-- example … -->` comment runs through the gateway against the demo world
// with the role and variables the comment gives, and answers without errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ROLES, type Role } from '../core/identity.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

interface Example {
  role: Role;
  owner?: string;
  account?: string;
  variables: Record<string, unknown>;
  query: string;
}

function examples(): Example[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const out: Example[] = [];
  const re = /<!-- example (.*?) -->\s*```graphql\n([\s\S]*?)```/g;
  for (const m of readme.matchAll(re)) {
    const attrs = m[1]!;
    const role = /role=(\S+)/.exec(attrs)?.[1] as Role;
    assert.ok(ROLES.includes(role), `unknown role in: ${attrs}`);
    const account = /account=(\S+)/.exec(attrs)?.[1];
    const owner = /owner=(\S+)/.exec(attrs)?.[1];
    const vars = /variables=(\{.*\})/.exec(attrs)?.[1];
    out.push({ role, owner, account, variables: vars ? JSON.parse(vars) : {}, query: m[2]! });
  }
  return out;
}

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
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const demo = stack.world.demo;
    assert.ok(readme.includes(demo.accountId), 'demo account id');
    assert.ok(readme.includes(demo.orderNumber), 'demo order');
    assert.ok(readme.includes(demo.approvedQuote.quoteNumber), 'approved quote');
  });

  for (const [i, example] of examples().entries()) {
    test(`example ${i + 1} (${example.role}) answers without errors`, async () => {
      const res = await stack.query(example.query, example.variables, { role: example.role, accountId: example.account, crmOwnerId: example.owner });
      assert.equal(res.status, 200);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const root = Object.values(res.data ?? {})[0] as Record<string, unknown> | undefined;
      assert.ok(root, 'the example returns data');
      // A mutation example must really succeed, not just answer.
      if ('complete' in root) assert.equal(root.complete, true);
      if ('status' in root && 'issues' in root) assert.equal(root.status, 'CONFIRMED', JSON.stringify(root.issues));
    });
  }
});
