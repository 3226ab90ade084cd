// docs/quote-to-order.md works as pasted: its `<!-- run -->` shell block runs with bash
// against a fresh stack (only GATEWAY points at the test's gateway; tokens come from
// `npm run token`, as a reader gets them), and the path it documents really happens:
// createQuote → submit → approveQuote → confirmQuote → a confirmed Odoo order.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';

const DOC = new URL('../docs/quote-to-order.md', import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function runBlock(): string {
  const doc = readFileSync(DOC, 'utf8');
  const m = /<!-- run: test\/quote-to-order-doc\.test\.ts -->\s*```sh\n([\s\S]*?)```/.exec(doc);
  assert.ok(m, 'the document has its runnable block');
  return m[1]!;
}

describe('docs/quote-to-order.md runs as pasted', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('the documented path creates a quote with a deal, approves it and turns it into a confirmed Odoo order', async () => {
    // The tokens must be the development ones the stack accepts, whatever the test's environment says.
    const { AUTH_JWT_SECRET: _ignored, ...env } = process.env;
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', runBlock()], {
      cwd: ROOT, env: { ...env, GATEWAY: stack.urls.gateway }, timeout: 120_000, maxBuffer: 4 << 20,
    });
    const answers = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    for (const a of answers) assert.equal(a.errors, undefined, JSON.stringify(a.errors));
    const [created, submitted, approved, confirmed, order] = answers.map((a) => Object.values(a.data)[0] as any);
    assert.equal(answers.length, 5);
    assert.equal(created.quote.status, 'DRAFT');
    assert.ok(created.deal);
    assert.equal(submitted.quote.status, 'PENDING_APPROVAL');
    assert.equal(approved.quote.status, 'APPROVED');
    assert.equal(approved.approvedDiscountLimit, 20);
    assert.equal(confirmed.status, 'CONFIRMED', JSON.stringify(confirmed.issues));
    assert.equal(confirmed.quote.order.number, confirmed.order.number);
    assert.equal(order.number, confirmed.order.number);
    assert.equal(order.state, 'CONFIRMED');
    assert.equal(order.lines[0].discount, 20);
    // In HubSpot: one new deal, the quote on it with its template; in Odoo: the order.
    const quoteId = Buffer.from(created.quote.id, 'base64url').toString('utf8').split(':')[2]!;
    assert.equal(stack.hubspotSandbox.store.associationsOf('quotes', quoteId, 'quote_template').length, 1);
    assert.equal(stack.hubspotSandbox.store.associationsOf('quotes', quoteId, 'deals').length, 1);
    assert.equal(stack.hubspotSandbox.store.get('quotes', quoteId)!.properties.odoo_order_ref, order.number);
  });
});
